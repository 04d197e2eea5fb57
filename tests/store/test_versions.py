"""Stored schema versions: fresh stores are stamped, older ones migrated step by step, newer refused."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from store import StoreVersionError
from store.migrations import SCHEMA_VERSION, Migration
from store.mongo import MongoStore
from store.sqlite import SqliteStore
from tests.conftest import _mongo_store


@pytest.fixture(params=["sqlite", "mongodb"])
def make_store(request, tmp_path: Path):
    """A factory reopening the same database with given migrations and target version."""
    database = f"pixano_versions_{uuid.uuid4().hex[:10]}"
    shared_mongo = _mongo_store(database)

    def make(migrations=None, target=SCHEMA_VERSION):
        kwargs = {"target_version": target}
        if migrations is not None:
            kwargs["migrations"] = migrations
        if request.param == "sqlite":
            return SqliteStore(tmp_path / "versions.sqlite3", **kwargs)
        return MongoStore(shared_mongo._client, database, **kwargs)

    return make


async def test_fresh_store_records_the_current_version(make_store) -> None:
    store = make_store()
    await store.open()
    assert await store.stored_version() == SCHEMA_VERSION
    assert (await store.health())["version"] == str(SCHEMA_VERSION)
    await store.close()


async def test_older_store_is_migrated_by_registered_steps_in_order(make_store) -> None:
    ran: list[int] = []

    async def mongo_step(db, n):
        ran.append(n)

    def step(n: int) -> Migration:
        async def mongo(db):
            await mongo_step(db, n)
        return Migration(n, f"step {n}", lambda conn: ran.append(n), mongo)

    first = make_store(target=1)
    await first.open()
    await first.create_user({"username": "kept", "password": "h", "role": "user", "preferences": {}})
    await first.close()

    upgraded = make_store(migrations=(step(0), step(1), step(2)), target=3)
    await upgraded.open()
    assert ran == [1, 2]
    assert await upgraded.stored_version() == 3
    assert (await upgraded.get_user("kept"))["username"] == "kept"
    await upgraded.close()


async def test_newer_store_refuses_to_open_with_a_clear_message(make_store) -> None:
    newer = make_store(target=SCHEMA_VERSION + 5, migrations=tuple(
        Migration(n, "future", lambda conn: None, _async_noop) for n in range(SCHEMA_VERSION + 5)))
    await newer.open()
    await newer.close()
    current = make_store()
    with pytest.raises(StoreVersionError, match="newer pixano-graph"):
        await current.open()


async def _async_noop(db) -> None:
    return None


async def test_version_1_results_learn_who_ended_their_latest_job(make_store, clock) -> None:
    """Step 1 -> 2: a database of version 1 (results without ended_by / ended_at / path) is
    upgraded in place: paths are filled in from the data items; its items carry no grace, and
    new ends give one."""
    from store.repositories.workflow_types import JobAction, LabelsOutcome

    store = make_store()
    await store.open()

    async def items():
        yield [{"id": name, "dataset_id": "d", "type": "image", "path": f"/data/images/{file}",
                "children": [], "order": order}
               for order, (name, file) in enumerate([("a", "a%20b.jpg"), ("b", "c.jpg")])]

    await store.create_dataset({"id": "d", "path": "images/", "data_type": "image"}, items())
    await store.create_task({"name": "t", "spec_id": "s", "dataset_id": "d"}, ["a", "b"], clock())
    job = await store.claim_job("t", "ann", "to_annotate", clock(), 3600)
    await store.update_job("t", job["id"], "ann", JobAction.END, clock(), status="to_validate")
    if isinstance(store, SqliteStore):
        def downgrade(conn) -> None:
            conn.execute("ALTER TABLE results DROP COLUMN ended_by")
            conn.execute("ALTER TABLE results DROP COLUMN ended_at")
            conn.execute("DROP INDEX results_by_path")
            conn.execute("ALTER TABLE results DROP COLUMN path")
            conn.execute("""UPDATE meta SET value = '{"version": "1"}' WHERE key = 'v'""")
        await store._db.write(downgrade)
    else:
        await store._db.results.update_many({}, {"$unset": {"ended_by": "", "ended_at": "",
                                                              "path": ""}})
        await store._db.meta.update_one({"_id": "v"}, {"$set": {"version": "1"}})
    await store.close()

    upgraded = make_store()
    await upgraded.open()
    assert await upgraded.stored_version() == SCHEMA_VERSION
    assert [(await upgraded.get_result("t", d))["path"] for d in "ab"] == ["images/a b.jpg",
                                                                          "images/c.jpg"]
    late = await upgraded.save_labels("t", job["data_id"], [], "ann", False, clock(), grace=600)
    assert late.outcome is LabelsOutcome.FORBIDDEN  # ended before the upgrade: no record
    job = await upgraded.claim_job("t", "ann", "to_annotate", clock(), 3600)
    await upgraded.update_job("t", job["id"], "ann", JobAction.END, clock(), status="done")
    saved = await upgraded.save_labels("t", job["data_id"], [{"id": "1"}], "ann", False, clock(),
                                       grace=600)
    assert saved.outcome is LabelsOutcome.SAVED
    await upgraded.close()


async def test_version_3_stores_get_their_label_totals_counted(make_store, clock) -> None:
    """Step 3 -> 4: label statistics summed per task become maintained counters; a database of
    version 3 (no counters) has them counted once from its labels, and kept from then on."""
    store = make_store()
    await store.open()
    await store.create_task({"name": "t", "spec_id": "s", "dataset_id": "d"}, ["a", "b"], clock())
    await store.create_task({"name": "u", "spec_id": "s", "dataset_id": "d"}, ["a"], clock())
    cars = [{"category": "car"}, {"category": "car"}, {"category": "a.b"}]
    await store.save_labels("t", "a", cars, "admin", True, clock())
    await store.save_labels("t", "b", [{"category": "bus"}], "admin", True, clock())
    if isinstance(store, SqliteStore):
        def downgrade(conn) -> None:
            for trigger in ("insert", "update", "delete", "task_delete"):
                conn.execute(f"DROP TRIGGER label_totals_{trigger}")
            conn.execute("DROP TABLE label_totals")
            conn.execute("""UPDATE meta SET value = '{"version": "3"}' WHERE key = 'v'""")
        await store._db.write(downgrade)
    else:
        await store._db.tasks.update_many({}, {"$unset": {"label_totals": ""}})
        await store._db.meta.update_one({"_id": "v"}, {"$set": {"version": "3"}})
    await store.close()

    upgraded = make_store()
    await upgraded.open()
    assert await upgraded.stored_version() == SCHEMA_VERSION
    assert await upgraded.get_label_totals("t") == {
        "objects": 4, "categories": {"a.b": 1, "bus": 1, "car": 2}}
    assert await upgraded.get_label_totals("u") == {"objects": 0, "categories": {}}
    await upgraded.save_labels("t", "b", [], "admin", True, clock())
    assert await upgraded.get_label_totals("t") == {
        "objects": 3, "categories": {"a.b": 1, "car": 2}}
    await upgraded.close()

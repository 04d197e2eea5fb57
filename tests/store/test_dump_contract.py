"""Store contract, both engines: `dump` streams every record, `load` replaces the store with a
stream all or nothing, derived counters are rebuilt, and a dump loads back to the same dump."""
from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from store import Store
from store.repositories.dump import DumpFormatError
from store.repositories.workflow_types import JobAction, label_statistics


def entries() -> list[dict[str, Any]]:
    """One record of every kind, results in every status, a held item and a queued one."""
    out: list[dict[str, Any]] = [
        {"kind": "meta", "record": {"key": "origin", "value": {"source": "test"}}},
        {"kind": "user", "record": {"username": "admin", "password": "$argon2id$x", "role": "admin",
                                    "preferences": {"theme": "white"}}},
        {"kind": "user", "record": {"username": "ann", "password": "$argon2id$y", "role": "user",
                                    "preferences": {}}},
        {"kind": "dataset", "record": {"id": "ds1", "path": "images", "data_type": "image"}},
        {"kind": "spec", "record": {"id": "sp1", "plugin_name": "rectangle", "data_type": "image",
                                    "label_schema": {"category": [{"name": "car"}]}}},
        {"kind": "task", "record": {"name": "t1", "spec_id": "sp1", "dataset_id": "ds1"}},
    ]
    statuses = ["to_annotate", "to_validate", "to_correct", "done", "discard", "to_annotate"]
    for i, status in enumerate(statuses):
        data_id = f"d{i}"
        out.append({"kind": "data", "record": {
            "id": data_id, "dataset_id": "ds1", "type": "image", "path": f"images/{i}.jpg",
            "children": [], "thumbnail": "data:image/jpeg;base64,AAAA", "order": i}})
        closed = status in ("done", "discard")
        out.append({"kind": "result", "record": {
            "task_name": "t1", "data_id": data_id, "order": i, "status": status,
            "current_job_id": "" if closed else f"j{i}", "finished_job_ids": [f"f{i}"],
            "cumulated_time": 12.5, "annotator": "ann", "validator": "admin" if i else "",
            "holder": "ann" if i == 0 else "", "queued_for": "ann" if status == "to_correct" else "",
            "start_at": 1000.0 if i == 0 else 0.0, "job_duration": 3.0,
            "last_update_at": 1000.0, "comments": None, "path": f"images/{i}.jpg"}})
        out.append({"kind": "job", "record": {
            "id": f"f{i}", "task_name": "t1", "data_id": data_id, "objective": "to_annotate",
            "assigned_to": "ann", "start_at": 0, "duration": 12.5, "last_update_at": 999}})
        annotations = [{"id": "a", "category": "car"}] * i
        out.append({"kind": "label", "record": {"task_name": "t1", "data_id": data_id,
                                                "annotations": annotations,
                                                "statistics": label_statistics(annotations)}})
    return out


async def batches(items: Sequence[Any], size: int = 4,
                  fail_after: int | None = None) -> AsyncIterator[list[Any]]:
    for start in range(0, len(items), size):
        if fail_after is not None and start >= fail_after:
            raise OSError("the source went away")
        yield list(items[start:start + size])


async def dumped(store: Store) -> list[dict[str, Any]]:
    return [entry async for batch in store.dump(batch_size=3) for entry in batch]


def canonical(items: list[dict[str, Any]]) -> list[str]:
    import json

    return sorted(json.dumps(e, sort_keys=True) for e in items)


async def test_load_then_dump_gives_the_same_records(store: Store) -> None:
    counts = await store.load(batches(entries()))
    assert counts["result"] == 6 and counts["user"] == 2 and counts["meta"] == 1
    assert canonical(await dumped(store)) == canonical(entries())


async def test_load_rebuilds_counters_and_the_workflow_reads_it(store: Store) -> None:
    await store.load(batches(entries()))
    assert await store.count_data_items(["ds1"]) == [6]
    [counts] = await store.get_status_counts(["t1"])
    assert counts == {"to_annotate": 2, "to_validate": 1, "to_correct": 1, "done": 1,
                      "discard": 1, "total": 6}
    assert (await store.get_user("ann"))["password"] == "$argon2id$y"
    assert await store.read_meta("origin") == {"source": "test"}
    stats = await store.get_label_statistics("t1", "d3")
    assert stats["value"]["categories"] == {"car": 3}
    # ann holds d0: the claim resumes it; the queued correction is hers next.
    job = await store.claim_job("t1", "ann", "to_annotate", now=1001.0, lease=3600)
    assert job["data_id"] == "d0"
    await store.update_job("t1", "j0", "ann", JobAction.END, now=1002.0, status="to_validate")
    job = await store.claim_job("t1", "ann", "to_annotate", now=1003.0, lease=3600)
    assert job["data_id"] == "d2" and job["objective"] == "to_correct"
    spec = await store.find_equal_spec(entries()[4]["record"])
    assert spec is not None and spec["id"] == "sp1"


async def test_load_replaces_the_previous_content(store: Store) -> None:
    await store.create_user({"username": "old", "password": "h", "role": "user", "preferences": {}})
    await store.load(batches(entries()))
    assert await store.get_user("old") is None
    assert [u["username"] for u in await store.list_users()] == ["admin", "ann"]


@pytest.mark.parametrize("bad, message", [
    ({"kind": "nope", "record": {}}, "unknown record kind"),
    ({"kind": "user", "record": {"username": "x"}}, "lacks password"),
    ({"kind": "result", "record": {**entries()[7]["record"], "task_name": "ghost",
                                   "data_id": "zz", "order": 99, "current_job_id": "jz"}},
     "result of unknown task"),
    ({"kind": "user", "record": {"username": "ann", "password": "h", "role": "user",
                                 "preferences": {}}}, "clash"),
])
async def test_a_bad_entry_leaves_the_store_as_it_was(store: Store, bad: dict[str, Any],
                                                      message: str) -> None:
    await store.load(batches(entries()))
    before = canonical(await dumped(store))
    with pytest.raises(DumpFormatError, match=message):
        await store.load(batches([*entries(), bad]))
    assert canonical(await dumped(store)) == before
    [counts] = await store.get_status_counts(["t1"])
    assert counts["total"] == 6


async def test_a_failing_stream_leaves_the_store_as_it_was(store: Store) -> None:
    await store.load(batches(entries()[:6]))
    before = canonical(await dumped(store))
    with pytest.raises(OSError):
        await store.load(batches(entries(), fail_after=12))
    assert canonical(await dumped(store)) == before


async def test_a_dump_loads_into_an_empty_store_of_the_other_engine(store: Store, tmp_path) -> None:
    from store.sqlite import SqliteStore

    await store.load(batches(entries()))
    other = SqliteStore(tmp_path / "other.sqlite3")
    await other.open()
    try:
        await other.load(store.dump(batch_size=5))
        assert canonical(await dumped(other)) == canonical(await dumped(store))
    finally:
        await other.close()


async def test_sqlite_load_while_another_process_writes_is_a_clear_error(tmp_path) -> None:
    import sqlite3

    from store import StoreUnavailableError
    from store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "busy.sqlite3")
    await store.open()
    other = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a running server in the middle of a write
    try:
        with pytest.raises(StoreUnavailableError, match="stop the server"):
            await store.load(batches(entries()))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await store.count_users() == 0
    await store.close()

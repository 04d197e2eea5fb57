"""MongoDB keeps status counters on the task document, `$inc`-ed right after each winning
transition: a process killed between the two writes leaves them off. Opening the store repairs
them from the results (the SQLite engine writes both in one transaction: nothing to repair).
The per-task label totals are kept the same way and repaired the same way."""
from __future__ import annotations

import uuid

from mongomock_motor import AsyncMongoMockClient

from store.mongo import MongoStore
from tests.workflow.helpers import claim, end, make_task


async def test_open_recounts_drifted_status_counters(clock) -> None:
    client = AsyncMongoMockClient()
    database = f"pixano_repair_{uuid.uuid4().hex[:8]}"
    store = MongoStore(client, database)
    await store.open()
    await make_task(store, count=4)
    job = await claim(store, "ann", clock)
    await end(store, job, "ann", "to_validate", clock)
    # A transition cut after its result update and before its counter update:
    await store._db.results.update_one({"task_name": "t", "status": "to_annotate"},
                                       {"$set": {"status": "done", "current_job_id": ""}})
    assert (await store.get_status_counts(["t"]))[0]["done"] == 0

    # What `open` runs after its migrations (mongomock cannot re-open a populated database:
    # it ignores the partial filters of unique indexes when building them over existing data).
    assert await store.repair_counts() == ["t"]

    counts = (await store.get_status_counts(["t"]))[0]
    assert counts == {"to_annotate": 2, "to_validate": 1, "to_correct": 0, "done": 1,
                      "discard": 0, "total": 4}
    assert await store.repair_counts() == []  # nothing left to repair


async def test_open_recounts_drifted_label_totals(clock) -> None:
    """A labels write cut before its `$inc` of the task's totals: open counts them again."""
    store = MongoStore(AsyncMongoMockClient(), f"pixano_repair_{uuid.uuid4().hex[:8]}")
    await store.open()
    await make_task(store, count=3)
    await store.save_labels("t", "d000", [{"category": "car"}], "admin", True, clock())
    await store._db.labels.update_one(  # the labels write alone
        {"task_name": "t", "data_id": "d001"},
        {"$set": {"annotations": [{"category": "bus"}, {"category": "x.y"}],
                  "statistics": {"objects": 2, "categories": {"bus": 1, "x.y": 1}}}})
    assert await store.get_label_totals("t") == {"objects": 1, "categories": {"car": 1}}

    assert await store.repair_label_totals() == ["t"]  # what `open` runs

    assert await store.get_label_totals("t") == {
        "objects": 3, "categories": {"bus": 1, "car": 1, "x.y": 1}}
    assert await store.repair_label_totals() == []
    await store.save_labels("t", "d001", [], "admin", True, clock())  # counted on from there
    assert await store.get_label_totals("t") == {"objects": 1, "categories": {"car": 1}}

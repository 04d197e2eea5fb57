"""The writes of a MongoDB transition (the winning update, the ended job's record, the counters'
`$inc`): one transaction on a replica set, one after the other on a standalone server (README,
MongoDB section), and admin batches as bulk writes whose round trips do not grow with the items.

A counter made non-numeric makes the `$inc` fail after the winning update: on a replica set the
whole end is undone; standalone, the update and the record stay and the counters are repaired at
the next open. The replica-set test runs when MONGODB_URI points at one; the standalone one on
mongomock (or on a standalone server at MONGODB_URI).
"""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from mongomock_motor import AsyncMongoMockClient
from pymongo.errors import PyMongoError

from store.mongo import MongoStore
from store.mongo.transitions import Transitions, supports_transactions
from store.mongo.workflow_claims import MongoClaims
from store.mongo.workflow_labels import MongoLabels
from store.mongo.workflow_tasks import MongoTasks
from store.repositories.workflow_types import JobUpdateOutcome
from tests.conftest import MONGODB_URI, _mongo_store
from tests.workflow.helpers import all_results, claim, end, make_task
from tests.workflow.test_mongo_query_shapes import ClientSpy, Issued


@pytest.fixture
async def mongo() -> AsyncIterator[MongoStore]:
    store = _mongo_store(f"pixano_transitions_{uuid.uuid4().hex[:8]}")
    await store.open()
    yield store
    if MONGODB_URI:
        await store._client.drop_database(store._db.name)
    await store.close()


async def _break_the_counters(store: MongoStore) -> None:
    """The counters' `$inc` of the next end fails: a counter is not a number any more."""
    await store._db.tasks.update_one({"name": "t"}, {"$set": {"counts.to_validate": "x"}})


async def test_an_end_is_undone_whole_when_a_write_fails_on_a_replica_set(mongo, clock) -> None:
    if not await supports_transactions(mongo._db):
        pytest.skip("needs MONGODB_URI pointing at a replica set (transactions); this "
                    "deployment is standalone or mongomock")
    await make_task(mongo, count=3)
    job = await claim(mongo, "ann", clock)
    await _break_the_counters(mongo)
    with pytest.raises(PyMongoError):
        await end(mongo, job, "ann", "to_validate", clock)
    state = await mongo.get_result("t", job["data_id"])
    assert state is not None
    assert (state["status"], state["holder"], state["current_job_id"]) == (
        "to_annotate", "ann", job["id"])  # the winning update was rolled back
    assert await mongo._db.jobs.count_documents({"id": job["id"]}) == 0
    await mongo._db.tasks.update_one({"name": "t"}, {"$set": {"counts.to_validate": 0}})
    assert (await end(mongo, job, "ann", "to_validate", clock)).outcome is JobUpdateOutcome.UPDATED
    counts = (await mongo.get_status_counts(["t"]))[0]
    assert counts is not None and (counts["to_annotate"], counts["to_validate"]) == (2, 1)


async def test_a_standalone_end_keeps_its_update_and_open_repairs_the_counters(mongo,
                                                                               clock) -> None:
    if await supports_transactions(mongo._db):
        pytest.skip("MONGODB_URI is a replica set: ends are transactions there")
    await make_task(mongo, count=3)
    job = await claim(mongo, "ann", clock)
    await _break_the_counters(mongo)
    with pytest.raises((PyMongoError, TypeError)):  # a server's WriteError; mongomock's TypeError
        await end(mongo, job, "ann", "to_validate", clock)
    state = await mongo.get_result("t", job["data_id"])
    assert state is not None and state["status"] == "to_validate"  # not atomic: it stays
    assert await mongo._db.jobs.count_documents({"id": job["id"]}) == 1
    assert await mongo.repair_counts() == ["t"]  # what `open` runs
    counts = (await mongo.get_status_counts(["t"]))[0]
    assert counts is not None and (counts["to_annotate"], counts["to_validate"]) == (2, 1)


async def test_an_admin_batch_is_a_few_bulk_round_trips_whatever_its_size(clock) -> None:
    """Bulks of 25 here (1,000 in the store: mongomock checks unique indexes over every document
    at each update, too slow for a thousand-item test)."""
    log: list[Issued] = []
    store = MongoStore(ClientSpy(AsyncMongoMockClient(), log), "bulk")
    await store.open()
    tasks = MongoTasks(store._db)
    jobs = MongoClaims(store._db, tasks, MongoLabels(store._db, tasks),
                       Transitions(store._client, store._db), bulk=25)
    count = 60  # three bulks
    ids = await make_task(store, count=count)
    job = await claim(store, "ann", clock)
    await end(store, job, "ann", "to_validate", clock)
    await store.reset_items("t", ids[-1:], by_job=False, status="discard", now=clock())
    clock.advance(10)
    log.clear()

    outcome = await jobs.reset_items("t", ids, by_job=False, status="done", now=clock())

    assert outcome.changed == count
    per_item = [i for i in log if i.collection in ("results", "jobs")
                and i.method in ("find_one", "update_one", "insert_one", "find_one_and_update")]
    assert per_item == []  # nothing item by item: bulk writes, one counters update per bulk
    assert [(i.collection, i.method) for i in log] == [("results", "find")] + [
        ("tasks", "update_one")] * 3
    states = await all_results(store)
    assert {s["status"] for s in states} == {"done"}
    assert {s["current_job_id"] for s in states} == {""}
    counts = (await store.get_status_counts(["t"]))[0]
    assert counts is not None and counts["done"] == count and counts["total"] == count
    # Every job that was current when the batch dropped it is in the history, once (the
    # discarded item had none left).
    assert await store._db.jobs.count_documents({"dropped": True,
                                                 "last_update_at": clock()}) == count - 1
    assert await store.repair_counts() == []  # the counters were right all along
    await store.close()

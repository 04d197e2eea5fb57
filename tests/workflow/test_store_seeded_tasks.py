"""Tasks whose items start in given states (task import), and labels read in bulk: a store
contract run on both engines."""
from __future__ import annotations

import pytest

from store import DuplicateKeyError, Store
from store.repositories.workflow_listing import ResultFilter
from store.repositories.workflow_types import ItemSeed, JobUpdateOutcome
from tests.workflow.helpers import all_results, claim, data_ids, end, make_task, walk_pages

TASK = {"name": "t", "spec_id": "spec-1", "dataset_id": "ds-1"}
BOXES = [{"id": "1", "category": "car"}, {"id": "2", "category": "car"}, {"id": "3"}]


def seeds() -> dict[str, ItemSeed]:
    return {
        "d001": ItemSeed(status="to_validate", annotations=BOXES, annotator="alice",
                         cumulated_time=12.5),
        "d002": ItemSeed(status="done", annotations=[{"category": "bus"}], annotator="alice",
                         validator="vic", cumulated_time=30),
        "d003": ItemSeed(status="to_correct", annotations=BOXES[:1], annotator="bob",
                         validator="vic"),
        "d004": ItemSeed(status="discard"),
        "d005": ItemSeed(annotations={"0": {"keyShapes": {}}}),  # to_annotate, free JSON labels
    }


async def test_seeded_items_start_in_their_state(store: Store, clock) -> None:
    ids = data_ids(8)
    reported: list[int] = []
    await store.create_task(TASK, ids, clock(), progress=reported.append, seeds=seeds())
    assert sum(reported) == 8
    states = {s["data_id"]: s for s in await all_results(store)}
    assert [s["order"] for s in states.values()] == list(range(8))
    expected = {  # status, annotator, validator, cumulated_time
        "d000": ("to_annotate", "", "", 0), "d001": ("to_validate", "alice", "", 12.5),
        "d002": ("done", "alice", "vic", 30), "d003": ("to_correct", "bob", "vic", 0),
        "d004": ("discard", "", "", 0), "d005": ("to_annotate", "", "", 0),
    }
    for data_id, (status, annotator, validator, time) in expected.items():
        state = states[data_id]
        assert (state["status"], state["annotator"], state["validator"],
                state["cumulated_time"]) == (status, annotator, validator, time), data_id
        assert (state["in_progress"], state["holder"], state["finished_job_ids"]) == (False, "", [])
        if status in ("done", "discard"):
            assert state["current_job_id"] == ""
        else:
            job = await store.get_job("t", state["current_job_id"])
            assert (job["objective"], job["assigned_to"]) == (status, "")
    assert states["d003"]["queued_for"] == "bob" and states["d001"]["queued_for"] == ""
    assert await store.get_status_counts(["t"]) == [
        {"to_annotate": 4, "to_validate": 1, "to_correct": 1, "done": 1, "discard": 1,
         "total": 8}]
    assert (await store.get_labels("t", "d001"))["annotations"] == BOXES
    assert (await store.get_labels("t", "d005"))["annotations"] == {"0": {"keyShapes": {}}}
    assert (await store.get_labels("t", "d007"))["annotations"] == []
    assert (await store.get_label_statistics("t", "d001"))["value"] == {
        "objects": 3, "categories": {"car": 2}}
    assert (await store.get_label_statistics("t", "d004"))["value"] == {
        "objects": 0, "categories": {}}


async def test_seeded_items_enter_the_workflow_where_they_stand(store: Store, clock) -> None:
    await store.create_task(TASK, data_ids(6), clock(), seeds=seeds())
    assert await store.get_assignments(["bob"]) == [{
        "curr_assigned_jobs": {}, "queue": {"t/to_correct": [
            (await store.get_result("t", "d003"))["current_job_id"]]}}]
    # The rejected item goes back to its annotator first, the validation lane serves d001.
    assert (await claim(store, "bob", clock))["data_id"] == "d003"
    job = await claim(store, "vic", clock, objective="to_validate")
    assert job["data_id"] == "d001" and job["annotator"] == "alice"
    ended = await end(store, job, "vic", "done", clock)
    assert ended.outcome is JobUpdateOutcome.UPDATED
    counts = (await store.get_status_counts(["t"]))[0]
    assert (counts["to_validate"], counts["done"], counts["total"]) == (0, 2, 6)
    assert (await claim(store, "carol", clock))["data_id"] == "d000"


async def test_status_pages_of_a_seeded_task_follow_its_statuses(store: Store, clock) -> None:
    """Legacy page numbers within a status use per-block counters (SQLite): seeded statuses
    must be counted there exactly as transitions would."""
    ids = data_ids(300)  # more than one block of 256
    statuses = ("to_annotate", "to_validate", "done", "to_correct", "discard")
    plan = {d: ItemSeed(status=statuses[i % 5]) for i, d in enumerate(ids) if i % 3}
    await store.create_task(TASK, ids, clock(), seeds=plan)
    for status in statuses:
        wanted = [d for d in ids if plan.get(d, ItemSeed()).status == status]
        seen, page = await walk_pages(store, ResultFilter(statuses=(status,)), 17)
        assert seen == wanted and page.total == len(wanted), status


async def test_a_seed_for_an_item_not_in_the_task_writes_nothing(store: Store, clock) -> None:
    with pytest.raises(ValueError, match="ghost"):
        await store.create_task(TASK, data_ids(3), clock(), seeds={"ghost": ItemSeed()})
    assert await store.get_task("t") is None and await store.get_result("t", "d000") is None
    assert await store.get_status_counts(["t"]) == [None]


async def test_a_seeded_creation_under_a_taken_name_changes_nothing(store: Store, clock) -> None:
    await make_task(store, count=2)
    with pytest.raises(DuplicateKeyError):
        await store.create_task(TASK, data_ids(6), clock(), seeds=seeds())
    assert [s["status"] for s in await all_results(store)] == ["to_annotate"] * 2
    assert (await store.get_status_counts(["t"]))[0]["total"] == 2


@pytest.mark.parametrize("bad", [{"status": "finished"}, {"cumulated_time": -1}])
def test_seeds_are_checked_when_made(bad) -> None:
    with pytest.raises(ValueError):
        ItemSeed(**bad)


async def test_labels_are_read_in_bulk_in_the_order_asked(store: Store, clock) -> None:
    ids = data_ids(30)
    plan = {d: ItemSeed(annotations=[{"category": d}]) for d in ids[::2]}
    await store.create_task(TASK, ids, clock(), seeds=plan)
    asked = [ids[3], "ghost", ids[2], *ids[::-1], ids[2]]
    labels = await store.get_labels_many("t", asked)
    assert labels[1] is None and len(labels) == len(asked)
    for data_id, record in zip(asked, labels, strict=True):
        if data_id == "ghost":
            continue
        assert record == {"task_name": "t", "data_id": data_id,
                          "annotations": [{"category": data_id}] if data_id in plan else []}
    assert await store.get_labels_many("other", ids[:3]) == [None, None, None]
    assert await store.get_labels_many("t", []) == []

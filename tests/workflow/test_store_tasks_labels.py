"""Tasks (creation, cascade delete) and labels, as a store contract run on both engines."""
from __future__ import annotations

import pytest

from store import DuplicateKeyError, Store
from store.repositories.workflow_types import JobAction, JobUpdateOutcome, LabelsOutcome
from tests.workflow.helpers import LEASE, all_results, claim, data_ids, end, make_task

TASK = {"name": "t", "spec_id": "spec-1", "dataset_id": "ds-1"}


async def test_creation_makes_one_result_job_and_empty_labels_per_item(store: Store, clock) -> None:
    reported: list[int] = []
    ids = data_ids(5)
    await store.create_task(TASK, ids, clock(), progress=reported.append)
    assert sum(reported) == 5
    assert await store.get_task("t") == TASK
    states = await all_results(store)
    assert [s["data_id"] for s in states] == ids and [s["order"] for s in states] == list(range(5))
    for state in states:
        assert state["status"] == "to_annotate" and state["current_job_id"]
        assert (state["finished_job_ids"], state["cumulated_time"]) == ([], 0)
        assert (state["annotator"], state["validator"], state["in_progress"]) == ("", "", False)
        job = await store.get_job("t", state["current_job_id"])
        assert job["objective"] == "to_annotate" and job["assigned_to"] == ""
        assert await store.get_labels("t", state["data_id"]) == {
            "task_name": "t", "data_id": state["data_id"], "annotations": []}
    assert len({s["current_job_id"] for s in states}) == 5
    assert (await store.get_status_counts(["t", "nope"])) == [
        {"to_annotate": 5, "to_validate": 0, "to_correct": 0, "done": 0, "discard": 0,
         "total": 5}, None]
    assert await store.count_tasks_using(dataset_id="ds-1") == 1


async def test_duplicate_name_is_refused_and_nothing_is_overwritten(store: Store, clock) -> None:
    await make_task(store, count=2)
    job = await claim(store, "alice", clock)
    with pytest.raises(DuplicateKeyError):
        await store.create_task({**TASK, "spec_id": "other"}, data_ids(7), clock())
    assert await store.get_task("t") == TASK
    assert len(await all_results(store)) == 2
    assert (await store.get_result("t", job["data_id"]))["in_progress"] is True


async def test_repeated_data_ids_write_nothing(store: Store, clock) -> None:
    with pytest.raises(ValueError):
        await store.create_task(TASK, ["a", "b", "a"], clock())
    assert await store.get_task("t") is None and await store.list_tasks() == []
    assert await store.get_result("t", "a") is None


async def test_list_set_spec_and_delete(store: Store, clock) -> None:
    await make_task(store, "b", count=1)
    await make_task(store, "a", count=1)
    assert [t["name"] for t in await store.list_tasks()] == ["a", "b"]
    assert (await store.set_task_spec("a", "spec-2"))["spec_id"] == "spec-2"
    assert (await store.get_task("a"))["spec_id"] == "spec-2"
    assert await store.set_task_spec("nope", "spec-2") is None
    assert await store.count_tasks_using(spec_id="spec-2") == 1


async def test_delete_cascades_to_everything_of_the_task(store: Store, clock) -> None:
    ids = await make_task(store, count=3)
    await make_task(store, "keep", count=1)
    job = await claim(store, "alice", clock)
    await store.save_labels("t", job["data_id"], [{"category": "car"}], "alice", False, clock())
    await end(store, job, "alice", "to_validate", clock)
    held = await claim(store, "bob", clock)
    assert await store.delete_task("t") is True
    assert await store.get_task("t") is None
    assert await store.get_status_counts(["t"]) == [None]
    for data_id in ids:
        assert await store.get_result("t", data_id) is None
        assert await store.get_labels("t", data_id) is None
        assert await store.get_label_statistics("t", data_id) is None
    assert await store.get_job("t", job["id"]) is None and await store.get_job("t", held["id"]) is None
    assert await store.get_assignments(["bob"]) == [{"curr_assigned_jobs": {}, "queue": {}}]
    assert await store.delete_task("t") is False
    assert len(await all_results(store, "keep")) == 1
    # The name is free again, with a fresh workflow.
    await make_task(store, count=2)
    assert [s["status"] for s in await all_results(store)] == ["to_annotate"] * 2


async def test_labels_holder_saves_and_statistics_follow(store: Store, clock) -> None:
    ids = await make_task(store, count=2)
    job = await claim(store, "alice", clock)
    annotations = [{"id": "1", "category": "car", "geometry": {"vertices": [0, 0, 1, 1]}},
                   {"id": "2", "category": "car"}, {"id": "3", "category": "person"}, {"id": "4"}]
    clock.advance(LEASE - 1)
    saved = await store.save_labels("t", ids[0], annotations, "alice", False, clock())
    assert saved.outcome is LabelsOutcome.SAVED
    assert await store.get_labels("t", ids[0]) == {"task_name": "t", "data_id": ids[0],
                                                  "annotations": annotations}
    stats = await store.get_label_statistics("t", ids[0])
    assert stats == {"task_name": "t", "data_id": ids[0],
                     "value": {"objects": 4, "categories": {"car": 2, "person": 1}}}
    # The save refreshed alice's lease: bob cannot take the item a few seconds later.
    clock.advance(2)
    assert (await claim(store, "bob", clock))["data_id"] == ids[1]
    beat = await store.update_job("t", job["id"], "alice", JobAction.HEARTBEAT, clock())
    assert beat.outcome is JobUpdateOutcome.UPDATED


async def test_labels_authorisation(store: Store, clock) -> None:
    ids = await make_task(store, count=3)
    await claim(store, "alice", clock)
    await claim(store, "bob", clock)
    refused = await store.save_labels("t", ids[0], [{"category": "x"}], "bob", False, clock())
    assert refused.outcome is LabelsOutcome.FORBIDDEN and refused.holder == "alice"
    nobody = await store.save_labels("t", ids[2], [{"category": "x"}], "carol", False, clock())
    assert nobody.outcome is LabelsOutcome.FORBIDDEN and nobody.holder == ""
    assert (await store.get_labels("t", ids[0]))["annotations"] == []
    assert (await store.get_label_statistics("t", ids[0]))["value"]["objects"] == 0
    admin = await store.save_labels("t", ids[0], [{"category": "x"}], "root", True, clock())
    assert admin.outcome is LabelsOutcome.SAVED
    assert (await store.get_labels("t", ids[0]))["annotations"] == [{"category": "x"}]
    missing = await store.save_labels("t", "ghost", [], "root", True, clock())
    assert missing.outcome is LabelsOutcome.NOT_FOUND
    assert await store.get_labels("t", "ghost") is None


async def test_statistics_of_free_json(store: Store, clock) -> None:
    ids = await make_task(store, count=1)
    await store.save_labels("t", ids[0], {"not": "a list"}, "root", True, clock())
    assert (await store.get_label_statistics("t", ids[0]))["value"] == {"objects": 0,
                                                                          "categories": {}}

"""Ending a job with its labels (`update_job(annotations=…)`, what `submitJob` uses), as a store
contract run on both engines: the labels land with the status change, never for a denied end."""
from __future__ import annotations

import asyncio

import pytest

from store import Store
from store.repositories.workflow_types import JobAction, JobUpdateOutcome
from tests.workflow.helpers import claim, end, make_task

BOXES = [{"category": "car"}, {"category": "car"}, {"category": "bus"}]


async def test_labels_given_with_the_end_land_with_the_status(store: Store, clock) -> None:
    ids = await make_task(store, count=2)
    job = await claim(store, "alice", clock)
    outcome = await end(store, job, "alice", "to_validate", clock, annotations=BOXES)
    assert outcome.outcome is JobUpdateOutcome.UPDATED
    assert (await store.get_result("t", ids[0]))["status"] == "to_validate"
    assert (await store.get_labels("t", ids[0]))["annotations"] == BOXES
    statistics = (await store.get_label_statistics("t", ids[0]))["value"]
    assert statistics == {"objects": 3, "categories": {"car": 2, "bus": 1}}
    assert (await store.get_labels("t", ids[1]))["annotations"] == []  # only the job's own item


async def test_a_denied_end_writes_no_labels(store: Store, clock) -> None:
    ids = await make_task(store, count=1)
    job = await claim(store, "alice", clock)
    await store.save_labels("t", ids[0], [{"category": "car"}], "alice", False, clock())
    denied = await end(store, job, "mallory", "done", clock, annotations=[])
    assert denied.outcome is JobUpdateOutcome.DENIED
    assert (await store.get_labels("t", ids[0]))["annotations"] == [{"category": "car"}]
    assert (await store.get_result("t", ids[0]))["status"] == "to_annotate"
    await end(store, job, "alice", "done", clock)
    again = await end(store, job, "alice", "to_validate", clock, annotations=[])  # already ended
    assert again.outcome is JobUpdateOutcome.DENIED
    assert (await store.get_labels("t", ids[0]))["annotations"] == [{"category": "car"}]


async def test_of_concurrent_submits_one_wins_and_its_labels_stay(store: Store, clock) -> None:
    ids = await make_task(store, count=1)
    job = await claim(store, "alice", clock)
    outcomes = await asyncio.gather(*(
        end(store, job, "alice", status, clock, annotations=[{"category": status}])
        for status in ("to_validate", "discard")))
    won = [o for o in outcomes if o.outcome is JobUpdateOutcome.UPDATED]
    assert len(won) == 1
    status = (await store.get_result("t", ids[0]))["status"]
    # A loser may have written its labels while it still held the job (MongoDB writes them
    # first), but never after the winner moved the item on: the last write is the winner's or
    # precedes it; the item's status is the winner's.
    assert status in ("to_validate", "discard")
    labels = (await store.get_labels("t", ids[0]))["annotations"]
    assert labels[0]["category"] in ("to_validate", "discard")


@pytest.mark.parametrize("action", [JobAction.HEARTBEAT, JobAction.INTERRUPT])
async def test_labels_go_with_an_end_only(store: Store, clock, action: JobAction) -> None:
    await make_task(store, count=1)
    job = await claim(store, "alice", clock)
    with pytest.raises(ValueError):
        await store.update_job("t", job["id"], "alice", action, clock(), annotations=[])

"""The labels grace period, as a store contract run on both engines: the user who ended an
item's latest job may still save its labels for `grace` seconds, while nobody holds the item.
(The old web app ends the job first and saves the labels right after.)"""
from __future__ import annotations

import asyncio

import pytest

from store import Store
from store.repositories.workflow_types import LabelsOutcome
from tests.workflow.helpers import claim, end, make_task

GRACE = 600.0
DRAWING = [{"id": "1", "category": "car"}]


async def save(store: Store, data_id: str, user: str, clock, annotations=DRAWING):
    return await store.save_labels("t", data_id, annotations, user, False, clock(), grace=GRACE)


@pytest.mark.parametrize("new_status", ["to_validate", "done", "to_correct", "discard"])
async def test_the_user_who_ended_the_job_saves_within_the_grace_period(
        store: Store, clock, new_status: str) -> None:
    ids = await make_task(store, count=1)
    if new_status in ("done", "to_correct"):  # a validator's decision: annotate, then review
        job = await claim(store, "ann", clock)
        await end(store, job, "ann", "to_validate", clock)
        job = await claim(store, "val", clock, "to_validate")
        user = "val"
    else:
        job = await claim(store, "ann", clock)
        user = "ann"
    await end(store, job, user, new_status, clock)
    clock.advance(GRACE)
    saved = await save(store, ids[0], user, clock)
    assert saved.outcome is LabelsOutcome.SAVED
    assert (await store.get_labels("t", ids[0]))["annotations"] == DRAWING
    assert (await store.get_label_statistics("t", ids[0]))["value"]["objects"] == 1
    # The save neither held the item nor touched its new job.
    state = await store.get_result("t", ids[0])
    assert state["holder"] == "" and state["status"] == new_status


async def test_refused_to_anyone_else_and_after_the_grace_period(store: Store, clock) -> None:
    ids = await make_task(store, count=1)
    job = await claim(store, "ann", clock)
    await end(store, job, "ann", "to_validate", clock)
    other = await save(store, ids[0], "bob", clock)
    assert other.outcome is LabelsOutcome.FORBIDDEN and other.holder == ""
    clock.advance(GRACE + 1)
    late = await save(store, ids[0], "ann", clock)
    assert late.outcome is LabelsOutcome.FORBIDDEN
    # An engine given no grace (the default) keeps the strict rule.
    assert (await store.save_labels("t", ids[0], DRAWING, "ann", False, clock())).outcome \
        is LabelsOutcome.FORBIDDEN
    assert (await store.get_labels("t", ids[0]))["annotations"] == []


async def test_refused_once_someone_else_took_the_item(store: Store, clock) -> None:
    ids = await make_task(store, count=1)
    job = await claim(store, "ann", clock)
    await end(store, job, "ann", "to_validate", clock)
    assert (await claim(store, "val", clock, "to_validate"))["data_id"] == ids[0]
    refused = await save(store, ids[0], "ann", clock)
    assert refused.outcome is LabelsOutcome.FORBIDDEN and refused.holder == "val"
    # The holder still saves (and it refreshes their lease, as before).
    assert (await save(store, ids[0], "val", clock)).outcome is LabelsOutcome.SAVED


async def test_the_grace_follows_the_latest_end_only(store: Store, clock) -> None:
    ids = await make_task(store, count=1)
    job = await claim(store, "ann", clock)
    await end(store, job, "ann", "to_validate", clock)
    review = await claim(store, "val", clock, "to_validate")
    await end(store, review, "val", "to_correct", clock)
    # The annotator's end is no longer the latest: only the validator has the grace now.
    assert (await save(store, ids[0], "ann", clock)).outcome is LabelsOutcome.FORBIDDEN
    assert (await save(store, ids[0], "val", clock)).outcome is LabelsOutcome.SAVED


async def test_an_admin_batch_ends_the_grace(store: Store, clock) -> None:
    ids = await make_task(store, count=2)
    for _ in ids:
        job = await claim(store, "ann", clock)
        await end(store, job, "ann", "to_validate", clock)
    await store.reset_items("t", [ids[0]], by_job=False, status="to_annotate", now=clock())
    await store.reset_items("t", [ids[1]], by_job=False, status=None, now=clock())
    for data_id in ids:
        assert (await save(store, data_id, "ann", clock)).outcome is LabelsOutcome.FORBIDDEN


async def test_a_grace_save_racing_a_claim_is_decided_once(store: Store, clock) -> None:
    """Each pair (late save of the annotator, validator's claim) runs at once: whichever the
    store serialises first decides, and a refused save names the validator holding the item."""
    ids = await make_task(store, count=6)
    for _ in ids:
        job = await claim(store, "ann", clock)
        await end(store, job, "ann", "to_validate", clock)
    for number, data_id in enumerate(ids):
        saved, taken = await asyncio.gather(
            save(store, data_id, "ann", clock, [{"id": str(number)}]),
            claim(store, f"val{number}", clock, "to_validate"))
        assert taken["data_id"] == data_id
        labels = (await store.get_labels("t", data_id))["annotations"]
        if saved.outcome is LabelsOutcome.SAVED:
            assert labels == [{"id": str(number)}]
        else:
            assert saved.outcome is LabelsOutcome.FORBIDDEN and saved.holder == f"val{number}"
            assert labels == []

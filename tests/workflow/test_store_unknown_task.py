"""The hot workflow calls check their task themselves (only when their update matched nothing):
an unknown task is UnknownTaskError and changes nothing; a known task with nothing to do is not."""
from __future__ import annotations

import pytest

from store import Store
from store.repositories.workflow_types import (JobAction, JobUpdateOutcome, LabelsOutcome,
                                               UnknownTaskError)
from tests.workflow.helpers import LEASE, all_results, claim, make_task


async def test_claim_in_an_unknown_task_is_refused_and_an_exhausted_task_is_none(
        store: Store, clock) -> None:
    await make_task(store, count=1)
    with pytest.raises(UnknownTaskError) as raised:
        await store.claim_job("nope", "alice", "to_annotate", clock(), LEASE)
    assert raised.value.task_name == "nope"
    assert await claim(store, "alice", clock) is not None
    assert await claim(store, "bob", clock) is None  # the task exists; nothing is left
    assert await claim(store, "bob", clock, objective="to_validate") is None


async def test_update_job_in_an_unknown_task_is_refused_and_changes_nothing(
        store: Store, clock) -> None:
    await make_task(store, count=2)
    job = await claim(store, "alice", clock)
    before = await all_results(store)
    for action, status in ((JobAction.HEARTBEAT, None), (JobAction.INTERRUPT, None),
                           (JobAction.END, "to_validate")):
        with pytest.raises(UnknownTaskError):
            await store.update_job("nope", job["id"], "alice", action, clock(), status=status)
    assert await all_results(store) == before
    unknown = await store.update_job("t", "no-such-job", "alice", JobAction.HEARTBEAT, clock())
    assert unknown.outcome is JobUpdateOutcome.UNKNOWN


async def test_save_labels_in_an_unknown_task_is_refused_and_an_unknown_item_is_not_found(
        store: Store, clock) -> None:
    ids = await make_task(store, count=1)
    with pytest.raises(UnknownTaskError):
        await store.save_labels("nope", ids[0], [{"category": "car"}], "root", True, clock())
    assert await store.get_labels("nope", ids[0]) is None
    missing = await store.save_labels("t", "ghost", [], "root", True, clock())
    assert missing.outcome is LabelsOutcome.NOT_FOUND

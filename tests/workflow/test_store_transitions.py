"""Heartbeats, ends, denials and admin batches, as a store contract run on both engines."""
from __future__ import annotations

import asyncio

import pytest

from store import Store
from store.repositories.workflow_types import JobAction, JobUpdateOutcome
from tests.workflow.helpers import claim, end, make_task

DENIED = JobUpdateOutcome.DENIED


async def test_ending_a_job_records_it_and_creates_the_follow_up(store: Store, clock) -> None:
    ids = await make_task(store, count=2)
    job = await claim(store, "alice", clock)
    clock.advance(12.5)
    outcome = await end(store, job, "alice", "to_validate", clock, comments={"note": "ok"})
    assert outcome.outcome is JobUpdateOutcome.UPDATED and outcome.next_job_id
    result = await store.get_result("t", ids[0])
    assert result["status"] == "to_validate" and result["in_progress"] is False
    assert result["finished_job_ids"] == [job["id"]]
    assert result["current_job_id"] == outcome.next_job_id != job["id"]
    assert result["cumulated_time"] == 12.5 and result["annotator"] == "alice"
    finished = await store.get_job("t", job["id"])
    assert finished["objective"] == "to_annotate" and finished["duration"] == 12.5
    assert finished["assigned_to"] == "alice" and finished["start_at"] == 0
    assert finished["comments"] == {"note": "ok"}
    follow_up = await store.get_job("t", outcome.next_job_id)
    assert follow_up["objective"] == "to_validate" and follow_up["assigned_to"] == ""
    assert follow_up["comments"] is None
    counts = (await store.get_status_counts(["t"]))[0]
    assert (counts["to_annotate"], counts["to_validate"], counts["total"]) == (1, 1, 2)


@pytest.mark.parametrize("status", ["done", "discard"])
async def test_done_and_discard_leave_no_current_job(store: Store, clock, status: str) -> None:
    ids = await make_task(store, count=1)
    job = await claim(store, "alice", clock)
    outcome = await end(store, job, "alice", status, clock)
    assert outcome.next_job_id == ""
    result = await store.get_result("t", ids[0])
    assert result["status"] == status and result["current_job_id"] == ""
    assert await claim(store, "alice", clock) is None
    assert (await store.get_status_counts(["t"]))[0][status] == 1


async def test_concurrent_submits_of_one_job_count_once(store: Store, clock) -> None:
    ids = await make_task(store, count=2)
    job = await claim(store, "alice", clock)
    clock.advance(30)
    outcomes = await asyncio.gather(*(end(store, job, "alice", "to_validate", clock)
                                      for _ in range(12)))
    winners = [o for o in outcomes if o.outcome is JobUpdateOutcome.UPDATED]
    assert len(winners) == 1
    assert all(o.outcome is DENIED for o in outcomes if o is not winners[0])
    result = await store.get_result("t", ids[0])
    assert result["cumulated_time"] == 30 and result["finished_job_ids"] == [job["id"]]
    assert result["current_job_id"] == winners[0].next_job_id
    counts = (await store.get_status_counts(["t"]))[0]
    assert (counts["to_annotate"], counts["to_validate"]) == (1, 1)
    # Exactly one follow-up: the next validator claim finds that job and nothing else.
    review = await claim(store, "val", clock, "to_validate")
    assert review["id"] == winners[0].next_job_id
    assert await claim(store, "val2", clock, "to_validate") is None


async def test_heartbeat_refreshes_and_keeps_comments(store: Store, clock) -> None:
    await make_task(store, count=1)
    job = await claim(store, "alice", clock)
    clock.advance(10)
    beat = await store.update_job("t", job["id"], "alice", JobAction.HEARTBEAT, clock(),
                                  comments=["draft"])
    assert beat.outcome is JobUpdateOutcome.UPDATED
    assert beat.job["last_update_at"] == clock() and beat.job["comments"] == ["draft"]
    assert beat.job["start_at"] == job["start_at"]  # a save does not stop the clock
    again = await store.update_job("t", job["id"], "alice", JobAction.HEARTBEAT, clock())
    assert again.job["comments"] == ["draft"]


async def test_every_denial(store: Store, clock) -> None:
    await make_task(store, count=3)
    job = await claim(store, "alice", clock)
    for action in JobAction:
        status = "to_validate" if action is JobAction.END else None
        # Not the holder.
        other = await store.update_job("t", job["id"], "bob", action, clock(), status=status)
        assert other.outcome is DENIED and "alice" in other.reason
    # Not started / interrupted: denied, and the caller's stale hold is released.
    await store.update_job("t", job["id"], "alice", JobAction.INTERRUPT, clock())
    stale = await end(store, job, "alice", "to_validate", clock)
    assert stale.outcome is DENIED and "interrupted" in stale.reason
    result = await store.get_result("t", job["data_id"])
    assert result["in_progress"] is False and result["status"] == "to_annotate"
    assert (await store.get_assignments(["alice"]))[0]["curr_assigned_jobs"] == {}
    # No longer the item's current job (finished).
    job = await claim(store, "alice", clock)
    await end(store, job, "alice", "to_validate", clock)
    for action in JobAction:
        status = "done" if action is JobAction.END else None
        finished = await store.update_job("t", job["id"], "alice", action, clock(), status=status)
        assert finished.outcome is DENIED and "finished" in finished.reason
    # Unknown ids, and a job of another task named under this one.
    unknown = await store.update_job("t", "nope", "alice", JobAction.HEARTBEAT, clock())
    assert unknown.outcome is JobUpdateOutcome.UNKNOWN
    await make_task(store, "other", count=1)
    foreign = await claim(store, "alice", clock, task="other")
    mismatched = await store.update_job("t", foreign["id"], "alice", JobAction.HEARTBEAT, clock())
    assert mismatched.outcome is JobUpdateOutcome.UNKNOWN
    assert await store.get_job("t", foreign["id"]) is None


async def test_a_denied_submit_changes_nothing(store: Store, clock) -> None:
    ids = await make_task(store, count=1)
    job = await claim(store, "alice", clock)
    before = await store.get_result("t", ids[0])
    await end(store, job, "bob", "done", clock)
    assert await store.get_result("t", ids[0]) == before
    assert (await store.get_status_counts(["t"]))[0]["done"] == 0


async def test_batch_status_change_drops_jobs_releases_holds_and_queues(store: Store, clock) -> None:
    ids = await make_task(store, count=4)
    held = await claim(store, "alice", clock)
    queued = await claim(store, "bob", clock)
    await end(store, queued, "bob", "to_validate", clock)
    review = await claim(store, "val", clock, "to_validate")
    await end(store, review, "val", "to_correct", clock)  # queued for bob
    assert (await store.get_assignments(["bob"]))[0]["queue"]
    outcome = await store.reset_items("t", [ids[0], ids[1], ids[2]], by_job=False,
                                      status="to_validate", now=clock())
    assert (outcome.changed, outcome.unknown) == (3, [])
    states = [await store.get_result("t", d) for d in ids]
    assert [s["status"] for s in states] == ["to_validate"] * 3 + ["to_annotate"]
    assert all(not s["in_progress"] for s in states)
    assert states[0]["current_job_id"] not in ("", held["id"])
    assert states[0]["finished_job_ids"] == []  # a dropped job is not a finished one
    late = await store.update_job("t", held["id"], "alice", JobAction.HEARTBEAT, clock())
    assert late.outcome is DENIED and "administrator" in late.reason
    assert (await store.get_job("t", held["id"]))["assigned_to"] == "alice"
    assert await store.get_assignments(["alice", "bob"]) == [
        {"curr_assigned_jobs": {}, "queue": {}}] * 2
    counts = (await store.get_status_counts(["t"]))[0]
    assert (counts["to_validate"], counts["to_annotate"], counts["to_correct"]) == (3, 1, 0)
    job_ids = [states[0]["current_job_id"], states[1]["current_job_id"]]
    done = await store.reset_items("t", job_ids, by_job=True, status="done", now=clock())
    assert done.changed == 2
    first = await store.get_result("t", ids[0])
    assert first["status"] == "done" and first["current_job_id"] == ""
    assert (await store.get_status_counts(["t"]))[0]["done"] == 2


async def test_unassign_only_clears_people_and_holds(store: Store, clock) -> None:
    ids = await make_task(store, count=2)
    job = await claim(store, "alice", clock)
    outcome = await store.reset_items("t", [ids[0]], by_job=False, status=None, now=clock())
    assert outcome.changed == 1
    result = await store.get_result("t", ids[0])
    assert result["status"] == "to_annotate" and result["current_job_id"] == job["id"]
    assert (result["in_progress"], result["annotator"], result["validator"]) == (False, "", "")
    assert (await claim(store, "bob", clock))["data_id"] == ids[0]
    denied = await store.update_job("t", job["id"], "alice", JobAction.HEARTBEAT, clock())
    assert denied.outcome is DENIED


async def test_batch_with_an_unknown_id_changes_nothing(store: Store, clock) -> None:
    ids = await make_task(store, count=3)
    await claim(store, "alice", clock)
    before = [await store.get_result("t", d) for d in ids]
    outcome = await store.reset_items("t", [ids[1], "ghost", ids[2]], by_job=False,
                                      status="done", now=clock())
    assert (outcome.changed, outcome.unknown) == (0, ["ghost"])
    by_job = await store.reset_items("t", [before[0]["current_job_id"], "ghost-job"],
                                     by_job=True, status=None, now=clock())
    assert by_job.unknown == ["ghost-job"]
    assert [await store.get_result("t", d) for d in ids] == before
    with pytest.raises(ValueError):
        await store.reset_items("t", [ids[0], ids[0]], by_job=False, status="done", now=clock())
    assert [await store.get_result("t", d) for d in ids] == before


async def test_assignments_are_derived_from_results(store: Store, clock) -> None:
    await make_task(store, "a", count=3)
    await make_task(store, "b", count=3)
    ja = await claim(store, "alice", clock, task="a")
    jb = await claim(store, "alice", clock, task="b")
    await end(store, jb, "alice", "to_validate", clock)
    review = await claim(store, "val", clock, "to_validate", task="b")
    await end(store, review, "val", "to_correct", clock)
    vb = await claim(store, "val", clock, "to_annotate", task="b")
    got = await store.get_assignments(["alice", "val", "nobody"])
    fix_id = (await store.get_result("b", jb["data_id"]))["current_job_id"]
    assert got[0] == {"curr_assigned_jobs": {"a/to_annotate": ja["id"]},
                      "queue": {"b/to_correct": [fix_id]}}
    assert got[1] == {"curr_assigned_jobs": {"b/to_annotate": vb["id"]}, "queue": {}}
    assert got[2] == {"curr_assigned_jobs": {}, "queue": {}}
    assert await store.delete_task("b") is True
    got = await store.get_assignments(["alice", "val"])
    assert got == [{"curr_assigned_jobs": {"a/to_annotate": ja["id"]}, "queue": {}},
                   {"curr_assigned_jobs": {}, "queue": {}}]

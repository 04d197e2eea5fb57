"""The claim rules and their atomicity, as a store contract run on both engines."""
from __future__ import annotations

import asyncio

import pytest

from store import Store
from store.repositories.workflow_types import JobAction, JobUpdateOutcome, UnknownTaskError
from tests.workflow.helpers import LEASE, claim, end, make_task


async def test_claims_follow_data_order_and_each_item_goes_to_one_user(store: Store, clock) -> None:
    ids = await make_task(store, count=3)
    first = await claim(store, "alice", clock)
    second = await claim(store, "bob", clock)
    assert (first["data_id"], second["data_id"]) == (ids[0], ids[1])
    assert first["assigned_to"] == "alice" and first["annotator"] == "alice"
    assert first["start_at"] == clock() and first["objective"] == "to_annotate"
    result = await store.get_result("t", ids[0])
    assert result["in_progress"] is True and result["annotator"] == "alice"
    assert result["current_job_id"] == first["id"]
    assert (await claim(store, "carol", clock))["data_id"] == ids[2]
    assert await claim(store, "dave", clock) is None


async def test_rule_1_resumes_the_held_item_and_keeps_a_running_clock(store: Store, clock) -> None:
    await make_task(store, count=3)
    job = await claim(store, "alice", clock)
    clock.advance(30)
    again = await claim(store, "alice", clock)
    assert again["id"] == job["id"] and again["start_at"] == job["start_at"]
    assert again["last_update_at"] == clock()


async def test_interrupt_banks_time_and_resume_restarts_the_clock(store: Store, clock) -> None:
    await make_task(store, count=2)
    job = await claim(store, "alice", clock)
    clock.advance(40)
    paused = await store.update_job("t", job["id"], "alice", JobAction.INTERRUPT, clock())
    assert paused.outcome is JobUpdateOutcome.UPDATED
    assert paused.job["start_at"] == 0 and paused.job["duration"] == 40
    result = await store.get_result("t", job["data_id"])
    assert result["cumulated_time"] == 40 and result["in_progress"] is True  # the user keeps it
    assert (await claim(store, "bob", clock))["data_id"] != job["data_id"]
    clock.advance(1000)  # away: not counted
    resumed = await claim(store, "alice", clock)
    assert resumed["id"] == job["id"] and resumed["start_at"] == clock()
    assert resumed["duration"] == 40
    clock.advance(5)
    done = await end(store, resumed, "alice", "to_validate", clock)
    assert done.job["duration"] == 45
    assert (await store.get_result("t", job["data_id"]))["cumulated_time"] == 45


async def test_rule_2_a_rejected_item_goes_back_to_its_annotator_first(store: Store, clock) -> None:
    ids = await make_task(store, count=4)
    job = await claim(store, "alice", clock)
    await end(store, job, "alice", "to_validate", clock)
    review = await claim(store, "val", clock, "to_validate")
    assert review["data_id"] == ids[0] and review["annotator"] == "alice"
    await end(store, review, "val", "to_correct", clock, comments={"why": "box too loose"})
    # bob asks first: the item is queued for alice, so bob gets a fresh one (rule 3).
    assert (await claim(store, "bob", clock))["data_id"] == ids[1]
    fix = await claim(store, "alice", clock)
    assert fix["data_id"] == ids[0] and fix["objective"] == "to_correct"
    assert fix["comments"] == {"why": "box too loose"} and fix["validator"] == "val"


async def test_rule_3_serves_free_to_correct_items_before_to_annotate(store: Store, clock) -> None:
    ids = await make_task(store, count=3)
    await store.reset_items("t", [ids[2]], by_job=False, status="to_correct", now=clock())
    job = await claim(store, "alice", clock)  # queued for nobody: free for anyone
    assert (job["data_id"], job["objective"]) == (ids[2], "to_correct")


async def test_rule_4_takes_items_queued_for_others_only_when_nothing_else(store: Store, clock) -> None:
    ids = await make_task(store, count=2)
    job = await claim(store, "alice", clock)
    await end(store, job, "alice", "to_validate", clock)
    review = await claim(store, "val", clock, "to_validate")
    await end(store, review, "val", "to_correct", clock)
    assert (await claim(store, "bob", clock))["data_id"] == ids[1]  # the free item first
    other = await claim(store, "carol", clock)  # nothing free: alice's queued item
    assert other["data_id"] == ids[0] and other["annotator"] == "carol"
    assert await claim(store, "alice", clock) is None
    assignments = (await store.get_assignments(["alice"]))[0]
    assert assignments == {"curr_assigned_jobs": {}, "queue": {}}


async def test_validation_lane_serves_only_to_validate_items(store: Store, clock) -> None:
    ids = await make_task(store, count=3)
    assert await claim(store, "val", clock, "to_validate") is None
    for _ in range(2):
        job = await claim(store, "alice", clock)
        await end(store, job, "alice", "to_validate", clock)
    review = await claim(store, "val", clock, "to_validate")
    assert review["data_id"] == ids[0] and review["validator"] == "val"
    # One item per lane: the validator may also annotate meanwhile.
    assert (await claim(store, "val", clock))["data_id"] == ids[2]


async def test_thirty_users_at_once_on_ten_items(store: Store, clock) -> None:
    ids = await make_task(store, count=10)
    users = [f"user{i:02d}" for i in range(30)]

    async def round_() -> dict[str, str | None]:
        jobs = await asyncio.gather(*(claim(store, u, clock) for u in users))
        return {u: (j["data_id"] if j else None) for u, j in zip(users, jobs, strict=True)}

    first = await round_()
    winners = {u: d for u, d in first.items() if d is not None}
    assert len(winners) == 10 and sorted(winners.values()) == ids
    second = await round_()
    assert second == first  # holders resume their item, the 20 others still get nothing
    for data_id in ids:
        holder = (await store.get_result("t", data_id))["annotator"]
        assert winners[holder] == data_id


async def test_one_user_firing_many_claims_at_once_holds_one_item(store: Store, clock) -> None:
    await make_task(store, count=10)
    jobs = await asyncio.gather(*(claim(store, "alice", clock) for _ in range(8)))
    assert len({j["data_id"] for j in jobs}) == 1
    held = (await store.get_assignments(["alice"]))[0]["curr_assigned_jobs"]
    assert held == {"t/to_annotate": jobs[0]["id"]}


async def test_an_expired_lease_lets_another_user_take_the_item(store: Store, clock) -> None:
    ids = await make_task(store, count=1)
    job = await claim(store, "alice", clock)
    clock.advance(LEASE - 1)
    assert await claim(store, "bob", clock) is None
    beat = await store.update_job("t", job["id"], "alice", JobAction.HEARTBEAT, clock())
    assert beat.outcome is JobUpdateOutcome.UPDATED  # the save refreshed the lease
    clock.advance(LEASE - 1)
    assert await claim(store, "bob", clock) is None
    clock.advance(2)
    taken = await claim(store, "bob", clock)
    assert taken["data_id"] == ids[0] and taken["id"] == job["id"]
    assert taken["assigned_to"] == "bob" and taken["start_at"] == clock()
    late = await end(store, job, "alice", "to_validate", clock)
    assert late.outcome is JobUpdateOutcome.DENIED and "bob" in late.reason
    assert (await store.get_assignments(["alice", "bob"]))[0]["curr_assigned_jobs"] == {}


async def test_an_unknown_task_is_refused_by_the_claim(store: Store, clock) -> None:
    with pytest.raises(UnknownTaskError):  # see test_store_unknown_task.py
        await claim(store, "alice", clock, task="nope")

"""The job workflow through GraphQL: concurrent claims and submits, the three-user cycle,
interrupt and resume, leases, every JOB_DENIED, batches, bad input."""
from __future__ import annotations

import asyncio

import pytest

from graph.node import encode_global_id
from tests.conftest import BOTH_ENGINES, make_user
from tests.workflow.gql import (
    JOB,
    NEXT_JOB,
    UPDATE_JOBS,
    UPDATE_RESULTS,
    by_key,
    comment,
    me,
    create_task,
    image_folder,
    iso,
    job_change,
    next_job,
    result,
    results,
    update_job,
)

pytestmark = BOTH_ENGINES


@pytest.fixture
async def task(admin, workspace) -> list[str]:
    """A 10-image task 'cars'; returns its data ids in data order."""
    image_folder(workspace, 10)
    await create_task(admin)
    return [item["dataId"] for item in (await results(admin))["nodes"]]


async def test_thirty_users_claim_at_once_and_ten_win(http, admin, task) -> None:
    users = await asyncio.gather(*(make_user(http, admin, f"user{i:02d}") for i in range(30)))

    async def round_() -> dict[str, str | None]:
        jobs = await asyncio.gather(*(next_job(u) for u in users))
        return {u.username: (j["dataId"] if j else None) for u, j in zip(users, jobs, strict=True)}

    first = await round_()
    winners = {name: data_id for name, data_id in first.items() if data_id}
    assert len(winners) == 10 and sorted(winners.values()) == sorted(task)
    assert sum(1 for d in first.values() if d is None) == 20
    assert await round_() == first  # the same items to the same holders, the others still null
    page = await results(admin, f={"inProgress": True}, first=20)
    assert {i["dataId"]: i["annotator"] for i in page["nodes"]} == {d: u for u, d in winners.items()}


async def test_concurrent_submits_count_time_once_and_make_one_follow_up(alice, admin, task,
                                                                         clock) -> None:
    job = await next_job(alice)
    clock.advance(42)
    outcomes = await asyncio.gather(*(alice.raw_gql(*job_change(job, status="TO_VALIDATE"))
                                      for _ in range(10)))
    wins = [o for o in outcomes if not o.get("errors")]
    denials = [o["errors"][0]["extensions"]["code"] for o in outcomes if o.get("errors")]
    assert len(wins) == 1 and denials == ["JOB_DENIED"] * 9
    state = await result(admin, job["dataId"])
    assert state["cumulatedTimeSeconds"] == 42 and state["finishedJobIds"] == [job["id"]]
    assert state["status"] == "TO_VALIDATE"
    page = await results(admin, f={"status": ["TO_VALIDATE"]})
    assert page["totalCount"] == 1 and page["statusCounts"]["toValidate"] == 1
    finished = (await admin.gql(JOB, {"t": "cars", "j": job["id"]}))["job"]
    assert finished["durationSeconds"] == 42 and finished["startAt"] is None


async def test_the_three_user_cycle(http, admin, task, clock) -> None:
    annotator = await make_user(http, admin, "ann")
    validator = await make_user(http, admin, "val")
    other = await make_user(http, admin, "other")
    job = await next_job(annotator)
    assert (job["dataId"], job["objective"], job["assignedTo"]) == (task[0], "TO_ANNOTATE", "ann")
    clock.advance(20)
    submitted = await update_job(annotator, job, status="TO_VALIDATE")
    assert submitted["job"]["startAt"] is None and submitted["result"]["status"] == "TO_VALIDATE"
    assert submitted["nextJob"] is None  # not asked for
    assert (await result(admin, task[0]))["status"] == "TO_VALIDATE"
    review = await next_job(validator, objective="VALIDATE")
    assert (review["dataId"], review["annotator"], review["validator"]) == (task[0], "ann", "val")
    clock.advance(5)
    await update_job(validator, review, status="TO_CORRECT",
                     comments=["the left car is missing", "and a bus"])
    said = [comment("val", "the left car is missing", clock()),
            comment("val", "and a bus", clock())]
    assert (await me(annotator))["queue"] == {
        "cars/to_correct": [(await result(admin, task[0]))["currentJobId"]]}
    # Someone else asking for work gets a fresh item, not the annotator's correction.
    assert (await next_job(other))["dataId"] == task[1]
    fix = await next_job(annotator)
    assert (fix["dataId"], fix["objective"], fix["comments"]) == (task[0], "TO_CORRECT", said)
    assert (await me(annotator))["queue"] == {}
    clock.advance(7)
    await update_job(annotator, fix, status="TO_VALIDATE")
    review = await next_job(validator, objective="VALIDATE")
    assert review["dataId"] == task[0] and review["comments"] == []
    await update_job(validator, review, status="DONE")
    final = await result(admin, task[0])
    assert (final["status"], final["currentJobId"], final["inProgress"]) == ("DONE", None, False)
    assert final["cumulatedTimeSeconds"] == 32 and len(final["finishedJobIds"]) == 4
    assert (final["annotator"], final["validator"]) == ("ann", "val")
    history = [(await admin.gql(JOB, {"t": "cars", "j": j}))["job"] for j in final["finishedJobIds"]]
    assert [(j["objective"], j["assignedTo"]) for j in history] == [
        ("TO_ANNOTATE", "ann"), ("TO_VALIDATE", "val"), ("TO_CORRECT", "ann"), ("TO_VALIDATE", "val")]
    assert history[1]["comments"] == said
    assert await next_job(validator, objective="VALIDATE") is None


async def test_interrupt_and_resume(alice, bob, admin, task, clock) -> None:
    job = await next_job(alice)
    clock.advance(30)
    await update_job(alice, job, interrupt=True)
    paused = await result(admin, job["dataId"])
    assert paused["cumulatedTimeSeconds"] == 30 and paused["inProgress"] is True
    assert (await next_job(bob))["dataId"] != job["dataId"]
    clock.advance(600)
    resumed = await next_job(alice)
    assert resumed["id"] == job["id"] and resumed["startAt"] == iso(clock())
    assert resumed["durationSeconds"] == 30
    clock.advance(10)
    await update_job(alice, resumed)  # a save heartbeat
    await update_job(alice, resumed, status="DISCARD")
    assert (await result(admin, job["dataId"]))["cumulatedTimeSeconds"] == 40


async def test_a_lease_expires_and_the_former_holder_is_denied(http, admin, workspace, settings,
                                                                clock) -> None:
    image_folder(workspace, 1)
    await create_task(admin)
    alice = await make_user(http, admin, "alice")
    bob = await make_user(http, admin, "bob")
    job = await next_job(alice)
    clock.advance(settings.job_lease_seconds - 10)
    assert await next_job(bob) is None
    await update_job(alice, job)  # heartbeat: the lease starts again
    clock.advance(settings.job_lease_seconds - 10)
    assert await next_job(bob) is None
    clock.advance(11)
    taken = await next_job(bob)
    assert taken["id"] == job["id"] and taken["assignedTo"] == "bob"
    denied = await alice.gql_error(*job_change(job, status="TO_VALIDATE"))
    assert denied.code == "JOB_DENIED" and "bob" in denied.message
    assert (await me(alice))["currAssignedJobs"] == {}
    assert (await me(bob))["currAssignedJobs"] == {"cars/to_annotate": job["id"]}


async def test_every_job_denied_case(alice, bob, admin, task) -> None:
    job = await next_job(alice)

    async def denied(caller, j, **input) -> str:
        error = await caller.gql_error(*job_change(j, **input))
        assert error.code == "JOB_DENIED", error.errors
        return error.message

    # Not the holder: heartbeat, interrupt, end; an admin is not the holder either.
    for input in ({}, {"interrupt": True}, {"status": "DONE"}):
        assert "alice" in await denied(bob, job, **input)
    await denied(admin, job, status="DONE")
    # Finished: the job is no longer the item's current job.
    await update_job(alice, job, status="TO_VALIDATE")
    assert "finished" in await denied(alice, job)
    # Interrupted (not started): denied and the stale hold is released.
    second = await next_job(alice)
    await update_job(alice, second, interrupt=True)
    assert "interrupted" in await denied(alice, second, status="TO_VALIDATE")
    state = await result(admin, second["dataId"])
    assert state["inProgress"] is False and state["status"] == "TO_ANNOTATE"
    assert (await me(alice))["currAssignedJobs"] == {}
    # Replaced by an admin batch: the dropped job stays in the history, so it is a denial.
    third = await next_job(alice)
    await admin.gql(UPDATE_RESULTS, {"t": "cars", "ids": [third["dataId"]], "s": "TO_ANNOTATE"})
    assert "administrator" in await denied(alice, third, status="DONE")
    dropped = (await admin.gql(JOB, {"t": "cars", "j": third["id"]}))["job"]
    assert (dropped["assignedTo"], dropped["startAt"]) == ("alice", None)


async def test_bad_input_is_refused_and_changes_nothing(alice, admin, task) -> None:
    job = await next_job(alice)
    before = await results(admin, first=20)
    cases = [
        (NEXT_JOB, {"t": "nope", "o": "ANNOTATE"}, "NOT_FOUND"),
        (*job_change(encode_global_id("Job", "nope", job["id"])), "NOT_FOUND"),
        (*job_change(encode_global_id("Job", "cars", "no-such-job"), status="DONE"), "NOT_FOUND"),
        (*job_change(job, status="FINISHED"), "BAD_USER_INPUT"),  # refused by the schema
        (*job_change(job["taskName"], status="DONE"), "BAD_USER_INPUT"),  # not an id
        (*job_change(encode_global_id("Task", "cars"), status="DONE"), "BAD_USER_INPUT"),
        (NEXT_JOB, {"t": "cars", "o": "DONE"}, "BAD_USER_INPUT"),
        (NEXT_JOB, {"t": "cars", "o": "TO_CORRECT"}, "BAD_USER_INPUT"),  # ANNOTATE serves them
        (JOB, {"t": "cars", "j": "no-such-job"}, "NOT_FOUND"),
    ]
    for query, variables, code in cases:
        error = await alice.gql_error(query, variables)
        assert error.code == code, (variables, error.errors)
    assert await results(admin, first=20) == before


async def test_a_job_of_another_task_is_not_found_under_this_one(alice, admin, task,
                                                                 workspace) -> None:
    image_folder(workspace, 2, folder="other")
    await create_task(admin, "other", folder="other")
    foreign = await next_job(alice, task="other")
    error = await alice.gql_error(*job_change(encode_global_id("Job", "cars", foreign["id"]),
                                              status="DONE"))
    assert error.code == "NOT_FOUND" and "cars" in error.message
    assert (await result(alice, foreign["dataId"], task="other"))["inProgress"] is True


BATCH_BY_JOB = """mutation($input: UpdateJobsInput!) { updateJobs(input: $input) {
  count task { name statusCounts { toValidate toCorrect } } results { dataId status inProgress } } }"""


async def test_batch_updates_by_job_and_by_item(alice, bob, admin, task) -> None:
    held = await next_job(alice)
    queued = await next_job(bob)
    await update_job(bob, queued, status="TO_VALIDATE")
    review = await next_job(admin, objective="VALIDATE")
    await update_job(admin, review, status="TO_CORRECT")
    assert (await me(bob))["queue"]
    state = await result(admin, task[2])
    changed = (await admin.gql(BATCH_BY_JOB, {"input": {
        "taskName": "cars", "objective": "TO_VALIDATE", "jobIds": [
            state["currentJobId"], held["id"], (await result(admin, task[1]))["currentJobId"]]}}))
    # The payload: the count, the task's new counters and the items as they are now.
    assert changed["updateJobs"] == {
        "count": 3, "task": {"name": "cars", "statusCounts": {"toValidate": 3, "toCorrect": 0}},
        "results": [{"dataId": d, "status": "TO_VALIDATE", "inProgress": False}
                    for d in (task[2], task[0], task[1])]}
    page = await results(admin, f={"status": ["TO_VALIDATE"]})
    assert [i["dataId"] for i in page["nodes"]] == task[:3]
    assert not any(i["inProgress"] for i in page["nodes"])
    assert (await me(alice))["currAssignedJobs"] == {}
    assert (await me(bob))["queue"] == {}
    assert page["statusCounts"]["toValidate"] == 3 and page["statusCounts"]["toCorrect"] == 0
    done = await admin.gql(UPDATE_RESULTS, {"t": "cars", "ids": task[3:5], "s": "DONE"})
    assert done["updateResults"] == {"count": 2}
    assert (await result(admin, task[3]))["currentJobId"] is None
    assert (await results(admin))["statusCounts"]["done"] == 2


async def test_unassign_keeps_status_and_job(alice, bob, admin, task) -> None:
    job = await next_job(alice)
    assert (await admin.gql(UPDATE_RESULTS, {"t": "cars", "ids": [job["dataId"]]}))[
        "updateResults"] == {"count": 1}
    state = await result(admin, job["dataId"])
    assert (state["status"], state["currentJobId"], state["inProgress"]) == ("TO_ANNOTATE",
                                                                           job["id"], False)
    assert (state["annotator"], state["validator"]) == (None, None)
    assert (await next_job(bob))["id"] == job["id"]
    assert (await alice.gql_error(*job_change(job))).code == "JOB_DENIED"


async def test_batches_with_bad_ids_change_nothing(alice, admin, task) -> None:
    await next_job(alice)
    before = await results(admin, first=20)
    for query, variables, code in (
        (UPDATE_RESULTS, {"t": "cars", "ids": [task[0], "ghost"], "s": "DONE"}, "NOT_FOUND"),
        (UPDATE_RESULTS, {"t": "cars", "ids": [task[0], task[0]], "s": "DONE"}, "BAD_USER_INPUT"),
        (UPDATE_JOBS, {"t": "cars", "ids": [before["nodes"][1]["currentJobId"], "ghost-job"],
                       "o": "DONE"}, "NOT_FOUND"),
        (UPDATE_JOBS, {"t": "nope", "ids": ["x"], "o": "DONE"}, "NOT_FOUND"),
        (UPDATE_JOBS, {"t": "cars", "ids": ["x"], "o": "NOT_A_STATUS"}, "BAD_USER_INPUT"),
    ):
        error = await admin.gql_error(query, variables)
        assert error.code == code, error.errors
    message = (await admin.gql_error(UPDATE_RESULTS, {"t": "cars", "ids": ["ghost"]})).message
    assert "ghost" in message and "nothing was changed" in message
    assert await results(admin, first=20) == before
    forbidden = await alice.gql_error(UPDATE_RESULTS, {"t": "cars", "ids": [task[0]], "s": "DONE"})
    assert forbidden.code == "FORBIDDEN"


async def test_admins_see_every_users_assignments(alice, bob, admin, task) -> None:
    held = await next_job(alice)
    await update_job(bob, await next_job(bob), status="TO_VALIDATE")
    review = await next_job(admin, objective="VALIDATE")
    await update_job(admin, review, status="TO_CORRECT", comments=["redo"])
    data = await admin.gql("""query { users { nodes { username
      assignments { taskName objective jobId } queue { taskName objective jobId } } } }""")
    by_name = {u["username"]: {"username": u["username"],
                               "currAssignedJobs": {k: v[0] for k, v in
                                                    by_key(u["assignments"]).items()},
                               "queue": by_key(u["queue"])} for u in data["users"]["nodes"]}
    assert by_name["alice"]["currAssignedJobs"] == {"cars/to_annotate": held["id"]}
    fix_id = (await result(admin, review["dataId"]))["currentJobId"]
    assert by_name["bob"] == {"username": "bob", "currAssignedJobs": {},
                              "queue": {"cars/to_correct": [fix_id]}}
    assert by_name["admin"]["currAssignedJobs"] == {} and by_name["admin"]["queue"] == {}

"""Workflow cases (tasks, jobs, batches, labels) run through both doors: GraphQL and REST must give
the same answer, with REST's status for each error code."""
from __future__ import annotations

from typing import Any

import pytest

from tests.client import Caller
from tests.conftest import BOTH_ENGINES
from tests.rest.doors import DOORS, Action, Outcome, expect, perform
from graph.node import encode_global_id
from tests.workflow.gql import (CREATE_TASK, DELETE_TASK, NEXT_JOB, SAVE_LABELS, SPEC, UPDATE_JOBS,
                                UPDATE_RESULTS, create_task, image_folder, job_change, result)

#: nextJob's objectives for the legacy ones (to_correct was always annotating).
OBJECTIVES = {"to_annotate": "ANNOTATE", "to_correct": "ANNOTATE", "to_validate": "VALIDATE"}

pytestmark = BOTH_ENGINES

REST_SPEC = {"plugin_name": SPEC["pluginName"], "data_type": SPEC["dataType"].lower(),
             "label_schema": SPEC["labelSchema"]}

NEXT = Action(
    graphql=lambda task="cars", objective="to_annotate": (
        NEXT_JOB, {"t": task, "o": OBJECTIVES.get(objective, objective.upper())}, "nextJob.job"),
    rest=lambda task="cars", objective="to_annotate": (
        "GET", f"/tasks/{task}/jobs/next?objective={objective}", None),
)
UPDATE = Action(
    graphql=lambda job_id, task="cars", **input: _job_change(job_id, task, **input),
    rest=lambda job_id, task="cars", **input: ("PUT", f"/tasks/{task}/jobs/{job_id}", input),
)
def _job_change(job_id: str, task: str, **input: Any) -> tuple[str, dict[str, Any], str]:
    document, variables = job_change(encode_global_id("Job", task, job_id),
                                     **{k: (v.upper() if k == "status" else v)
                                        for k, v in input.items()})
    name = ("submitJob" if "status" in input else "interruptJob" if input.get("interrupt")
            else "touchJob")
    return document, variables, name


SAVE = Action(
    graphql=lambda data_id, annotations, task="cars": (
        SAVE_LABELS, {"t": task, "d": data_id, "a": annotations}, "saveLabels.labels"),
    rest=lambda data_id, annotations, task="cars": (
        "PUT", f"/tasks/{task}/labels/{data_id}",
        {"task_name": task, "data_id": data_id, "annotations": annotations}),
)
GET_LABELS = Action(
    graphql=lambda data_id, task="cars": (
        "query($t: String!, $d: ID!) { labels(taskName: $t, dataId: $d) { annotations } }",
        {"t": task, "d": data_id}, "labels"),
    rest=lambda data_id, task="cars": ("GET", f"/tasks/{task}/labels/{data_id}", None),
)
BATCH_RESULTS = Action(
    graphql=lambda data_ids, status=None, task="cars": (
        UPDATE_RESULTS, {"t": task, "ids": data_ids, "s": status and status.upper()}, "updateResults.count"),
    rest=lambda data_ids, status=None, task="cars": (
        "PUT", f"/tasks/{task}/results", {"data_ids": data_ids, **({"status": status} if status else {})}),
)
BATCH_JOBS = Action(
    graphql=lambda job_ids, objective, task="cars": (
        UPDATE_JOBS, {"t": task, "ids": job_ids, "o": objective.upper()}, "updateJobs.count"),
    rest=lambda job_ids, objective, task="cars": (
        "PUT", f"/tasks/{task}/jobs", {"job_ids": job_ids, "objective": objective}),
)
CREATE = Action(
    graphql=lambda name, folder="images": (
        CREATE_TASK, {"input": {"name": name, "dataset": {"path": folder}, "spec": SPEC}}, "createTask.task"),
    rest=lambda name, folder="images": (
        "POST", "/tasks", {"name": name, "dataset": {"path": folder}, "spec": REST_SPEC}),
)
DELETE = Action(graphql=lambda name: (DELETE_TASK, {"name": name}, "deleteTask.deletedTaskName"),
                rest=lambda name: ("DELETE", f"/tasks/{name}", None))


def field(outcome: Outcome, name: str) -> Any:
    """A job/result field whichever door answered (camelCase or snake_case)."""
    value = outcome.value
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    return value[name] if name in value else value[snake]


@pytest.fixture
async def task(admin: Caller, workspace) -> list[str]:
    image_folder(workspace, 3)
    await create_task(admin)
    data = await admin.gql('{ results(taskName: "cars") { nodes { dataId } } }')
    return [item["dataId"] for item in data["results"]["nodes"]]


@pytest.mark.parametrize("door", DOORS)
async def test_only_the_running_holder_may_update_a_job(door, admin: Caller, alice: Caller, bob: Caller,
                                                        task) -> None:
    job = await perform(door, alice, NEXT)
    expect(job, None)
    job_id = field(job, "id")
    assert field(job, "dataId") == task[0]
    for caller in (bob, admin):  # an admin is not the holder either
        expect(await perform(door, caller, UPDATE, job_id=job_id, status="done"), "JOB_DENIED")
    expect(await perform(door, alice, UPDATE, job_id="no-such-job", status="done"), "NOT_FOUND")
    expect(await perform(door, alice, UPDATE, job_id=job_id, task="nope"), "NOT_FOUND")
    expect(await perform(door, alice, UPDATE, job_id=job_id), None)  # heartbeat
    expect(await perform(door, alice, UPDATE, job_id=job_id, status="to_validate"), None)
    expect(await perform(door, alice, UPDATE, job_id=job_id, status="to_validate"), "JOB_DENIED")
    assert (await result(admin, task[0]))["status"] == "TO_VALIDATE"


@pytest.mark.parametrize("door", DOORS)
async def test_next_job_answers_and_refusals(door, http, alice: Caller, bob: Caller, task) -> None:
    expect(await perform(door, Caller(http), NEXT), "UNAUTHENTICATED")
    expect(await perform(door, alice, NEXT, task="nope"), "NOT_FOUND")
    expect(await perform(door, alice, NEXT, objective="to_validate"), None)
    assert not (await perform(door, alice, NEXT, objective="to_validate")).value  # null / {}
    taken = [field(await perform(door, caller, NEXT), "dataId") for caller in (alice, bob)]
    assert taken == task[:2]  # first free items in data order, never the same twice


@pytest.mark.parametrize("door", DOORS)
async def test_labels_are_written_by_the_holder_or_an_admin(door, admin: Caller, alice: Caller,
                                                            bob: Caller, task) -> None:
    held = await perform(door, alice, NEXT)
    item = field(held, "dataId")
    box = [{"id": "1", "category": "car"}]
    expect(await perform(door, bob, SAVE, data_id=item, annotations=box), "FORBIDDEN")
    expect(await perform(door, alice, SAVE, data_id=item, annotations=box), None)
    expect(await perform(door, admin, SAVE, data_id=task[2], annotations=[]), None)
    expect(await perform(door, admin, SAVE, data_id="ghost", annotations=[]), "NOT_FOUND")
    expect(await perform(door, admin, SAVE, data_id=item, annotations=[], task="nope"), "NOT_FOUND")
    expect(await perform(door, bob, GET_LABELS, data_id="x", task="nope"), "NOT_FOUND")
    assert (await perform(door, bob, GET_LABELS, data_id=item)).value["annotations"] == box
    assert not (await perform(door, bob, GET_LABELS, data_id="ghost")).value  # null / {}


@pytest.mark.parametrize("door", DOORS)
async def test_batches_are_for_admins_and_all_or_nothing(door, admin: Caller, alice: Caller, task) -> None:
    expect(await perform(door, alice, BATCH_RESULTS, data_ids=[task[0]], status="done"), "FORBIDDEN")
    expect(await perform(door, admin, BATCH_RESULTS, data_ids=[task[0], "ghost"], status="done"), "NOT_FOUND")
    expect(await perform(door, admin, BATCH_RESULTS, data_ids=[task[0], task[0]], status="done"),
           "BAD_USER_INPUT")
    expect(await perform(door, admin, BATCH_JOBS, job_ids=["ghost-job"], objective="done"), "NOT_FOUND")
    expect(await perform(door, admin, BATCH_JOBS, job_ids=["x"], objective="done", task="nope"), "NOT_FOUND")
    assert (await result(admin, task[0]))["status"] == "TO_ANNOTATE"  # nothing changed
    expect(await perform(door, admin, BATCH_RESULTS, data_ids=task[:2], status="done"), None)
    job_id = (await result(admin, task[2]))["currentJobId"]
    expect(await perform(door, admin, BATCH_JOBS, job_ids=[job_id], objective="to_validate"), None)
    assert [(await result(admin, d))["status"] for d in task] == ["DONE", "DONE", "TO_VALIDATE"]


@pytest.mark.parametrize("door", DOORS)
async def test_task_creation_and_deletion_refusals(door, http, admin: Caller, alice: Caller, task) -> None:
    expect(await perform(door, alice, CREATE, name="other"), "FORBIDDEN")
    expect(await perform(door, Caller(http), CREATE, name="other"), "UNAUTHENTICATED")
    # GraphQL says CONFLICT; the API document wants 400 for an existing task name.
    expect(await perform(door, admin, CREATE, name="cars"), "CONFLICT", rest_status=400)
    expect(await perform(door, admin, CREATE, name="other", folder="../escape"), "BAD_USER_INPUT")
    expect(await perform(door, alice, DELETE, name="cars"), "FORBIDDEN")
    expect(await perform(door, admin, DELETE, name="nope"), "NOT_FOUND")
    expect(await perform(door, admin, DELETE, name="cars"), None)
    expect(await perform(door, admin, DELETE, name="cars"), "NOT_FOUND")

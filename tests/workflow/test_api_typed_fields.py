"""Typed fields instead of JSON, on both engines: media URLs, a result's job history, users'
assignments and queues, label statistics per item."""
from __future__ import annotations

from tests.conftest import BOTH_ENGINES, make_user
from tests.workflow.gql import comment, create_task, image_folder, job_change, next_job, update_job

pytestmark = BOTH_ENGINES

SAVE = """mutation($t: String!, $d: ID!, $a: JSON!) {
  saveLabels(input: {taskName: $t, dataId: $d, annotations: $a}) { labels { id } } }"""

READ = """query($d: ID!) {
  result(taskName: "cars", dataId: $d) {
    status data { urls children { urls } }
    history { jobId objective assignedTo durationSeconds startAt lastUpdateAt
              comments { author text createdAt } } }
  labelStatistics(taskName: "cars", dataId: $d) { objectCount categories { category count } }
  users { nodes { username assignments { taskName objective jobId job { dataId } }
                  queue { taskName objective jobId job { objective comments { author text createdAt } } } } } }"""


async def test_typed_fields(http, admin, workspace, clock) -> None:
    urls = image_folder(workspace, 2)
    await create_task(admin)
    ann = await make_user(http, admin, "ann")
    val = await make_user(http, admin, "val")
    job = await next_job(ann)
    await ann.gql(SAVE, {"t": "cars", "d": job["dataId"],
                         "a": [{"category": "car"}, {"category": "bus"}, {"category": "car"}]})
    clock.advance(20)
    await update_job(ann, job, status="TO_VALIDATE")
    review = await next_job(val, objective="VALIDATE")
    clock.advance(5)
    await update_job(val, review, status="TO_CORRECT", comments=["a car is missing"])
    held = await next_job(ann)  # corrections come first: ann takes the rejected item back
    data = await admin.gql(READ, {"d": job["dataId"]})
    result = data["result"]
    assert result["data"] == {"urls": [urls[0]], "children": []}
    assert [(j["objective"], j["assignedTo"], j["durationSeconds"]) for j in result["history"]] == [
        ("TO_ANNOTATE", "ann", 20), ("TO_VALIDATE", "val", 5)]
    assert result["history"][1]["comments"] == [
        comment("val", "a car is missing", clock())]
    assert data["labelStatistics"] == {"objectCount": 3, "categories": [
        {"category": "bus", "count": 1}, {"category": "car", "count": 2}]}
    users = {u["username"]: u for u in data["users"]["nodes"]}
    # ann's correction is served first, so ann now holds it: an assignment linking its job
    assert held["objective"] == "TO_CORRECT" and held["dataId"] == job["dataId"]
    assert users["ann"]["assignments"] == [{"taskName": "cars", "objective": "TO_CORRECT",
                                            "jobId": held["id"],
                                            "job": {"dataId": job["dataId"]}}]
    assert users["ann"]["queue"] == [] and users["val"]["assignments"] == []
    other = await next_job(val, objective="VALIDATE")
    assert other is None


async def test_a_queued_correction_is_a_typed_queue_entry(http, admin, workspace, clock) -> None:
    image_folder(workspace, 1)
    await create_task(admin)
    ann = await make_user(http, admin, "ann")
    val = await make_user(http, admin, "val")
    await update_job(ann, await next_job(ann), status="TO_VALIDATE")
    review = await next_job(val, objective="VALIDATE")
    await update_job(val, review, status="TO_CORRECT", comments=["redo"])
    data = await admin.gql(READ, {"d": review["dataId"]})
    users = {u["username"]: u for u in data["users"]["nodes"]}
    [entry] = users["ann"]["queue"]
    assert (entry["taskName"], entry["objective"]) == ("cars", "TO_CORRECT")
    assert entry["job"] == {"objective": "TO_CORRECT",
                            "comments": [comment("val", "redo", clock())]}


TIMES = """query($t: String!, $j: ID!) { job(taskName: $t, jobId: $j) {
  startAt lastUpdateAt durationSeconds comments { author text createdAt } } }"""


async def test_times_are_iso_datetimes_and_durations_seconds(http, admin, workspace,
                                                              clock) -> None:
    image_folder(workspace, 1)
    await create_task(admin)
    ann = await make_user(http, admin, "ann")
    clock.now = 1_700_000_000.25
    job = await next_job(ann)
    assert job["startAt"] == job["lastUpdateAt"] == "2023-11-14T22:13:20.250Z"
    assert job["durationSeconds"] == 0
    clock.advance(90.5)
    await update_job(ann, job)  # a heartbeat moves lastUpdateAt only
    read = (await admin.gql(TIMES, {"t": "cars", "j": job["id"]}))["job"]
    assert (read["startAt"], read["lastUpdateAt"]) == ("2023-11-14T22:13:20.250Z",
                                                       "2023-11-14T22:14:50.750Z")
    paused = (await update_job(ann, job, interrupt=True))["job"]
    assert paused["startAt"] is None and paused["durationSeconds"] == 90.5
    state = (await admin.gql("""query { result(taskName: "cars", dataId: "%s") {
      cumulatedTimeSeconds history { id } } }""" % job["dataId"]))["result"]
    assert state == {"cumulatedTimeSeconds": 90.5, "history": []}


async def test_comments_are_typed_replaced_and_removed(http, admin, workspace, clock) -> None:
    image_folder(workspace, 1)
    await create_task(admin)
    ann = await make_user(http, admin, "ann")
    job = await next_job(ann)
    assert job["comments"] == []  # none: an empty list, never '' or null
    said = (await update_job(ann, job, comments=["draft", "ask about the bus"]))["job"]
    assert said["comments"] == [comment("ann", "draft", clock()),
                                comment("ann", "ask about the bus", clock())]
    clock.advance(3)
    kept = (await update_job(ann, job))["job"]  # omitted: unchanged
    assert kept["comments"] == said["comments"]
    replaced = (await update_job(ann, job, comments=["bus ok"]))["job"]
    assert replaced["comments"] == [comment("ann", "bus ok", clock())]
    blank = await ann.gql_error(*job_change(job, comments=["fine", "  "]))
    assert blank.code == "BAD_USER_INPUT" and blank.errors[0]["extensions"]["fields"] == [
        {"field": "comments.1", "message": "comment 1 is empty"}]
    read = (await admin.gql(TIMES, {"t": "cars", "j": job["id"]}))["job"]
    assert read["comments"] == replaced["comments"]  # the refused change wrote nothing
    assert (await update_job(ann, job, comments=[]))["job"]["comments"] == []
    assert (await update_job(ann, job, comments=None))["job"]["comments"] == []

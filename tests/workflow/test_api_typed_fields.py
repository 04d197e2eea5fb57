"""Typed fields instead of JSON, on both engines: media URLs, a result's job history, users'
assignments and queues, label statistics per item."""
from __future__ import annotations

from tests.conftest import BOTH_ENGINES, make_user
from tests.workflow.gql import create_task, image_folder, next_job, update_job

pytestmark = BOTH_ENGINES

SAVE = """mutation($t: String!, $d: ID!, $a: JSON!) {
  saveLabels(input: {taskName: $t, dataId: $d, annotations: $a}) { labels { id } } }"""

READ = """query($d: ID!) {
  result(taskName: "cars", dataId: $d) {
    status data { urls children { urls } }
    history { jobId objective assignedTo duration comments } }
  labelStatistics(taskName: "cars", dataId: $d) { objectCount categories { category count } }
  users { nodes { username assignments { taskName objective jobId job { dataId } }
                  queue { taskName objective jobId job { objective comments } } } } }"""


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
    await update_job(val, review, status="TO_CORRECT", comments={"text": "a car is missing"})
    held = await next_job(ann)  # corrections come first: ann takes the rejected item back
    data = await admin.gql(READ, {"d": job["dataId"]})
    result = data["result"]
    assert result["data"] == {"urls": [urls[0]], "children": []}
    assert [(j["objective"], j["assignedTo"], j["duration"]) for j in result["history"]] == [
        ("TO_ANNOTATE", "ann", 20), ("TO_VALIDATE", "val", 5)]
    assert result["history"][1]["comments"] == {"text": "a car is missing"}
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


async def test_a_queued_correction_is_a_typed_queue_entry(http, admin, workspace) -> None:
    image_folder(workspace, 1)
    await create_task(admin)
    ann = await make_user(http, admin, "ann")
    val = await make_user(http, admin, "val")
    await update_job(ann, await next_job(ann), status="TO_VALIDATE")
    review = await next_job(val, objective="VALIDATE")
    await update_job(val, review, status="TO_CORRECT", comments="redo")
    data = await admin.gql(READ, {"d": review["dataId"]})
    users = {u["username"]: u for u in data["users"]["nodes"]}
    [entry] = users["ann"]["queue"]
    assert (entry["taskName"], entry["objective"]) == ("cars", "TO_CORRECT")
    assert entry["job"] == {"objective": "TO_CORRECT", "comments": "redo"}

"""A whole annotation campaign as the old scripts and frontend run it: plain HTTP under /api/v1,
each person with their own cookie jar, nothing but legacy routes and legacy JSON shapes."""
from __future__ import annotations

import pytest

from tests.conftest import ADMIN_PASSWORD, BOTH_ENGINES
from tests.files import make_images
from tests.rest.legacy import LegacyClient

pytestmark = BOTH_ENGINES

SPEC = {"plugin_name": "rectangle", "data_type": "image",
        "label_schema": {"category": [{"name": "car", "color": "green", "properties": []}],
                         "default": "car"}}
BOX = {"id": "b1", "category": "car", "geometry": {"type": "rectangle", "vertices": [0.1, 0.1, 0.5, 0.6]}}
RESULT_KEYS = {"task_name", "data_id", "finished_job_ids", "current_job_id", "status", "cumulated_time",
               "annotator", "validator", "in_progress", "path"}
JOB_KEYS = {"id", "task_name", "data_id", "objective", "assigned_to", "start_at", "duration",
            "last_update_at", "annotator", "validator"}


@pytest.fixture
async def people(http):
    clients: list[LegacyClient] = []

    def person() -> LegacyClient:
        clients.append(LegacyClient(http))
        return clients[-1]

    yield person
    for client in clients:
        await client.close()


async def test_a_campaign_from_login_to_deletion(people, workspace, clock) -> None:
    make_images(workspace / "images", ["a.jpg", "b.jpg", "c.png"])

    # -- the admin sets everything up
    admin = await people().login("admin", ADMIN_PASSWORD)
    for name in ("ann", "val"):
        status, user = await admin.post("/users/", {"username": name, "pwd": f"{name}-password"})
        assert status == 201 and user == {"id": name, "username": name, "role": "user", "preferences": {},
                                     "curr_assigned_jobs": {}, "queue": {}}
    status, body = await admin.post("/users/", {"username": "ann", "password": "other"})
    assert status == 400 and body["type"] == "conflict"

    status, task = await admin.post("/tasks/", {"name": "cars", "dataset": {"path": "images/"}, "spec": SPEC})
    assert status == 201
    assert task["name"] == "cars" and task["dataset"]["path"] == "images/"
    assert task["dataset"]["data_type"] == "image"
    assert {k: task["spec"][k] for k in SPEC} == SPEC
    status, body = await admin.post("/tasks", {"name": "cars", "dataset": {"path": "images/"}, "spec": SPEC})
    assert status == 400 and body["type"] == "conflict"
    assert await admin.get("/tasks") == (200, [task])
    assert await admin.get("/tasks/cars") == (200, task)
    _, data = await admin.get(f"/datasets/{task['dataset']['id']}/data")
    a, b, c = (item["id"] for item in data["results"])  # data order: a.jpg, b.jpg, c.png

    # -- the annotator takes the first item, labels it, submits it
    ann = await people().login("ann", "ann-password")
    status, job = await ann.get("/tasks/cars/jobs/next?objective=to_annotate")
    assert status == 200 and JOB_KEYS <= set(job)
    assert (job["data_id"], job["objective"], job["assigned_to"], job["annotator"]) == (a, "to_annotate", "ann", "ann")
    assert await ann.get(f"/tasks/cars/labels/{a}") == (200, {"task_name": "cars", "data_id": a, "annotations": []})
    labels = {"task_name": "cars", "data_id": a, "annotations": [BOX]}
    status, body = await ann.put(f"/tasks/cars/labels/{b}", labels)  # ids do not match the URL
    assert status == 400 and body["type"] == "bad_user_input"
    assert await ann.put(f"/tasks/cars/labels/{a}", labels) == (204, None)
    assert await ann.get(f"/tasks/cars/labels/{a}") == (200, labels)
    assert await ann.get("/tasks/cars/labels/ghost") == (200, {})  # no labels: an empty object
    assert await ann.put(f"/tasks/cars/jobs/{job['id']}", {}) == (204, None)  # save heartbeat
    clock.advance(30)
    assert await ann.put(f"/tasks/cars/jobs/{job['id']}", {"status": "to_validate"}) == (204, None)
    status, body = await ann.put(f"/tasks/cars/jobs/{job['id']}", {"status": "to_validate"})
    assert (status, body["type"]) == (410, "job_denied")  # that job is over
    status, result = await ann.get(f"/tasks/cars/results/{a}")
    assert set(result) == RESULT_KEYS
    assert (result["status"], result["annotator"], result["in_progress"]) == ("to_validate", "ann", False)
    assert result["finished_job_ids"] == [job["id"]] and result["cumulated_time"] == 30

    # -- the validator rejects it with a comment
    val = await people().login("val", "val-password")
    status, check = await val.get("/tasks/cars/jobs/next/?objective=to_validate")
    assert (check["data_id"], check["objective"], check["validator"], check["annotator"]) == (a, "to_validate", "val", "ann")
    assert await val.put(f"/tasks/cars/jobs/{check['id']}",
                         {"objective": "to_correct", "comments": ["the box is too large"]}) == (204, None)
    assert await val.get("/tasks/cars/jobs/next?objective=to_validate") == (200, {})  # nothing else to check
    _, profile = await ann.get("/profile")
    assert list(profile["queue"]) == ["cars/to_correct"] and len(profile["queue"]["cars/to_correct"]) == 1

    # -- the annotator gets the correction first, before any new item
    status, fix = await ann.get("/tasks/cars/jobs/next")  # objective defaults to to_annotate
    assert (fix["data_id"], fix["objective"]) == (a, "to_correct")
    assert fix["comments"] == ["the box is too large"]
    assert await ann.put(f"/tasks/cars/labels/{a}", {**labels, "annotations": [BOX, {**BOX, "id": "b2"}]}) == (204, None)
    assert await ann.put(f"/tasks/cars/jobs/{fix['id']}", {"objective": "to_validate"}) == (204, None)

    # -- the validator accepts it
    status, check = await val.get("/tasks/cars/jobs/next?objective=to_validate")
    assert check["data_id"] == a
    assert await val.put(f"/tasks/cars/jobs/{check['id']}", {"status": "done"}) == (204, None)
    status, result = await val.get(f"/tasks/cars/results/{a}")
    assert (result["status"], result["current_job_id"], result["validator"]) == ("done", "", "val")
    assert len(result["finished_job_ids"]) == 4

    # -- the annotator starts the next item and leaves the page: it stays theirs
    status, second = await ann.get("/tasks/cars/jobs/next?objective=to_annotate")
    assert second["data_id"] == b
    assert await ann.put(f"/tasks/cars/jobs/{second['id']}", {"interrupt": True}) == (204, None)
    status, again = await ann.get("/tasks/cars/jobs/next?objective=to_annotate")
    assert again["id"] == second["id"]  # resumed
    _, profile = await ann.get("/profile")
    assert (profile["curr_assigned_jobs"], profile["queue"]) == ({"cars/to_annotate": second["id"]}, {})

    # -- results listing and navigation, as the explore page does
    status, page = await admin.get("/tasks/cars/results?page=1&count=2")
    assert status == 200
    assert (page["counter"], page["globalCounter"], page["doneCounter"], page["toValidateCounter"]) == (3, 3, 1, 0)
    assert [r["data_id"] for r in page["results"]] == [a, b]
    assert all(r["thumbnail"] for r in page["results"]) and RESULT_KEYS < set(page["results"][0])
    _, page2 = await admin.get("/tasks/cars/results?page=2&count=2")
    assert [r["data_id"] for r in page2["results"]] == [c]
    _, done = await admin.get("/tasks/cars/results?page=1&count=10&status=done")
    assert [r["data_id"] for r in done["results"]] == [a] and done["counter"] == 1
    _, either = await admin.get("/tasks/cars/results?page=1&count=10&status=done;to_annotate")
    assert either["counter"] == 3
    _, annotated = await admin.get("/tasks/cars/results?page=1&count=10&annotator=ann")
    assert [r["data_id"] for r in annotated["results"]] == [a, b]
    _, busy = await admin.get("/tasks/cars/results?in_progress=true")
    assert [r["data_id"] for r in busy["results"]] == [b]
    status, following = await admin.get(f"/tasks/cars/results/{a}/next")
    assert following["data_id"] == b and "thumbnail" not in following
    assert (await admin.get(f"/tasks/cars/results/{c}/previous?status=done"))[1]["data_id"] == a
    assert await admin.get(f"/tasks/cars/results/{a}/previous") == (200, {})
    assert (await admin.get("/tasks/cars/results/ghost"))[0] == 404
    assert (await admin.get("/tasks/cars/results/ghost/next"))[0] == 404
    assert await admin.get(f"/tasks/cars/results/{a}/next?status=done") == (200, {})
    status, jobs = await admin.get("/tasks/cars/jobs?page=1&status=to_annotate")
    assert [r["data_id"] for r in jobs] == [b, c] and set(jobs[0]) == RESULT_KEYS

    # -- batch updates by the admin
    assert await admin.put("/tasks/cars/results", {"data_ids": [b]}) == (204, None)  # unassign only
    _, result = await admin.get(f"/tasks/cars/results/{b}")
    assert (result["status"], result["in_progress"]) == ("to_annotate", False)
    status, body = await ann.put(f"/tasks/cars/jobs/{second['id']}", {"status": "to_validate"})
    assert (status, body["type"]) == (410, "job_denied")  # the admin took it back
    _, c_result = await admin.get(f"/tasks/cars/results/{c}")
    assert await admin.put("/tasks/cars/jobs", {"job_ids": [c_result["current_job_id"]],
                                                "objective": "to_validate"}) == (204, None)
    assert await admin.put("/tasks/cars/results", {"data_ids": [b], "status": "discard"}) == (204, None)
    _, page = await admin.get("/tasks/cars/results?page=1&count=10")
    assert [r["status"] for r in page["results"]] == ["done", "discard", "to_validate"]
    assert (page["doneCounter"], page["toValidateCounter"]) == (1, 1)
    status, body = await ann.put("/tasks/cars/results", {"data_ids": [a], "status": "to_annotate"})
    assert status == 403

    # -- spec change, then deletions
    new_schema = {**SPEC["label_schema"], "default": "bus"}
    assert await admin.put("/tasks/cars", {"name": "cars", "spec": {"label_schema": new_schema}}) == (204, None)
    assert (await admin.get("/tasks/cars"))[1]["spec"]["label_schema"] == new_schema
    status, body = await admin.delete(f"/datasets/{task['dataset']['id']}")
    assert (status, body["type"]) == (409, "conflict")  # still used by the task
    assert await admin.delete("/tasks/cars/") == (204, None)
    assert (await admin.get("/tasks/cars"))[0] == 404
    assert (await ann.get("/tasks/cars/jobs/next"))[0] == 404
    assert await admin.delete(f"/datasets/{task['dataset']['id']}") == (204, None)
    assert await admin.delete(f"/specs/{task['spec']['id']}") == (204, None)
    assert await admin.delete("/users/ann") == (204, None)
    assert (await ann.get("/profile"))[0] == 401  # a deleted account's cookie is dead
    assert await admin.get("/tasks") == (200, [])

"""The label page (views/app-label.js) and the explore page it extends (views/app-explore.js):
next job, its data and labels, save (heartbeat then labels), interrupt on leaving, submit,
validate and reject in the app's order (end the job, *then* save the labels), previous/next."""
from __future__ import annotations

import pytest

from tests.client import login
from tests.conftest import BOTH_ENGINES
from tests.legacy_app.app import AppError, OldApp
from tests.legacy_app.conftest import BOX, IMAGES, user_tab
from tests.workflow.gql import LABELS, SAVE_LABELS, next_job, update_job

pytestmark = BOTH_ENGINES

MOVED = {**BOX, "geometry": {"type": "rectangle", "vertices": [0.2, 0.2, 0.5, 0.6]}}


async def open_label_page(app: OldApp, objective: str = "to_annotate") -> dict:
    """`onActivate` of `#label/cars/<objective>`: the task from the list, then a job."""
    app.task_name = "cars"
    assert next(t for t in app.tasks if t["name"] == "cars")["spec"]["plugin_name"] == "rectangle"
    return await app.fetch_new_job(objective)


async def stored_labels(app: OldApp, data_id: str) -> list:
    return (await app.GET(f"/api/v1/tasks/cars/labels/{data_id}"))["annotations"]


async def test_next_job_its_data_and_labels(tab, campaign) -> None:
    ann = await user_tab(tab, "ann")
    assert ann.navigate_home() == "dashboard-user"
    job = await open_label_page(ann)
    assert (job["objective"], job["assigned_to"], job["annotator"]) == ("to_annotate", "ann", "ann")
    assert ann.job_id == job["id"] and ann.data_id == ""
    # media.js: the item (the plugin shows `path`, `id` names it when saving)
    assert ann.media_info["id"] == job["data_id"]
    assert ann.media_info["path"] == f"/data/images/{IMAGES[0]}"
    assert ann.media_info["thumbnail"]
    # annotations.js: everything but data_id/task_name becomes the annotation state
    assert ann.annotations == {"annotations": []}
    media = await ann.session.get(ann.http.make_url(ann.media_info["path"]))
    assert media.status == 200 and media.content_type == "image/jpeg"


async def test_save_is_a_heartbeat_then_the_labels(tab, campaign) -> None:
    ann = await user_tab(tab, "ann")
    job = await open_label_page(ann)
    ann.draw(BOX)
    await ann.save()
    assert [(s.method, s.url, s.body) for s in ann.sent[-2:]] == [
        ("PUT", f"/api/v1/tasks/cars/jobs/{job['id']}", {}),
        ("PUT", f"/api/v1/tasks/cars/labels/{job['data_id']}",
         {"task_name": "cars", "data_id": job["data_id"], "annotations": [BOX]})]
    assert await stored_labels(ann, job["data_id"]) == [BOX]


async def test_leaving_the_page_interrupts_and_coming_back_resumes(tab, campaign, clock) -> None:
    ann = await user_tab(tab, "ann")
    job = await open_label_page(ann)
    clock.advance(42)
    assert await ann.interrupt_job() == {}
    result = await ann.GET(f"/api/v1/tasks/cars/results/{job['data_id']}")
    assert (result["in_progress"], result["cumulated_time"]) == (True, 42)  # still ann's
    again = await open_label_page(ann)
    assert (again["id"], again["duration"]) == (job["id"], 42)


async def test_submit_validate_and_reject_keep_what_was_drawn(tab, campaign, clock) -> None:
    """The app ends the job first and saves the labels right after: nothing is lost, no
    error pop-up, and the next job comes up."""
    ann, val = await user_tab(tab, "ann"), await user_tab(tab, "val")
    first = await open_label_page(ann)
    ann.draw(BOX)
    clock.advance(30)
    second = await ann.submission("to_validate", "to_annotate")  # SUBMIT
    assert ann.popups == []
    assert [(s.method, s.body) for s in ann.sent[-5:-3]] == [("PUT", {"status": "to_validate"}),
                                                           ("PUT", {"task_name": "cars",
                                                                    "data_id": first["data_id"],
                                                                    "annotations": [BOX]})]
    assert await stored_labels(ann, first["data_id"]) == [BOX]
    assert second["data_id"] != first["data_id"] and ann.annotations == {"annotations": []}
    ann.draw(BOX)
    await ann.submission("to_validate", "to_annotate")
    assert ann.popups == []

    review = await open_label_page(val, "to_validate")  # VALIDATE (done), the box moved
    assert review["data_id"] == first["data_id"] and val.annotations == {"annotations": [BOX]}
    val.annotations = {"annotations": [MOVED]}
    following = await val.submission("done", "to_validate")
    assert val.popups == [] and following["data_id"] == second["data_id"]
    assert await stored_labels(val, first["data_id"]) == [MOVED]
    val.annotations = {"annotations": []}  # REJECT (to_correct), the box removed
    assert await val.submission("to_correct", "to_validate") is None  # nothing left to validate
    assert val.popups == []
    assert await stored_labels(val, second["data_id"]) == []
    statuses = {r["data_id"]: r["status"] for r in
                (await val.GET("/api/v1/tasks/cars/results?page=1&count=20"))["results"]}
    assert (statuses[first["data_id"]], statuses[second["data_id"]]) == ("done", "to_correct")
    # ann still holds a third item (fetched after the second submit); once it is submitted,
    # the correction comes back to its annotator first, with the validator's labels.
    correction = await ann.submission("to_validate", "to_annotate")
    assert (correction["data_id"], correction["objective"]) == (second["data_id"], "to_correct")
    assert ann.annotations == {"annotations": []} and ann.popups == []


async def test_late_saves_of_anyone_else_are_refused(tab, campaign, clock) -> None:
    ann, ann2, val = [await user_tab(tab, n) for n in ("ann", "ann2", "val")]
    job = await open_label_page(ann)
    ann.draw(BOX)
    await ann.put_job("to_validate")
    # another user (not the one who ended the job) writing those labels: 403
    ann2.task_name, ann2.media_info, ann2.annotations = "cars", ann.media_info, ann.annotations
    with pytest.raises(AppError) as refused:
        await ann2.put_labels()
    assert refused.value.status == 403 and refused.value.body["type"] == "forbidden"
    await ann.put_labels()  # the one who ended it, right after: saved
    # after the grace period (PIXANO_LABELS_GRACE, default 600 s): 403
    clock.advance(601)
    with pytest.raises(AppError) as late:
        await ann.put_labels()
    assert late.value.status == 403
    # once someone else took the item: 403, even within the grace period
    nxt = await open_label_page(ann)
    ann.draw(BOX)
    await ann.put_job("to_validate")
    assert (await open_label_page(val, "to_validate"))["data_id"] == job["data_id"]
    assert (await open_label_page(ann2, "to_validate"))["data_id"] == nxt["data_id"]
    with pytest.raises(AppError) as after_taken:
        await ann.put_labels()
    assert after_taken.value.status == 403 and "ann2 holds it" in after_taken.value.message
    assert await stored_labels(ann, job["data_id"]) == [BOX]
    assert await stored_labels(ann, nxt["data_id"]) == []


async def test_the_same_order_through_graphql(http, campaign, clock) -> None:
    """GraphQL clients get the same rule: submitJob(status) then saveLabels, for submit, validate
    (done) and reject (to_correct); refused to anyone else and after the grace period."""
    ann = await login(http, "ann", "ann-password")
    val = await login(http, "val", "val-password")

    async def save(caller, data_id: str, annotations: list) -> dict:
        return await caller.raw_gql(SAVE_LABELS, {"t": "cars", "d": data_id, "a": annotations})

    jobs = []
    for _ in range(2):  # submit
        job = await next_job(ann)
        assert await update_job(ann, job, status="TO_VALIDATE")
        body = await save(ann, job["dataId"], [BOX])
        assert body["data"]["saveLabels"]["labels"]["annotations"] == [BOX], body
        jobs.append(job)
    for job, verdict in zip(jobs, ("DONE", "TO_CORRECT"), strict=True):  # validate, reject
        review = await next_job(val, objective="VALIDATE")
        assert review["dataId"] == job["dataId"]
        assert await update_job(val, review, status=verdict)
        body = await save(val, job["dataId"], [MOVED])
        assert body["data"]["saveLabels"]["labels"]["annotations"] == [MOVED], body
    # The annotator's end is no longer the latest one: refused; so is val, once past the grace.
    assert (await save(ann, jobs[0]["dataId"], []))["errors"][0]["extensions"]["code"] == \
        "FORBIDDEN"
    clock.advance(601)
    assert (await save(val, jobs[0]["dataId"], []))["errors"][0]["extensions"]["code"] == \
        "FORBIDDEN"
    assert (await ann.gql(LABELS, {"t": "cars", "d": jobs[0]["dataId"]}))["labels"][
        "annotations"] == [MOVED]


async def test_explore_previous_and_next_with_the_table_filters(tab, campaign) -> None:
    """The admin clicks a thumbnail (`#explore/cars/<id>`), then the arrows; the dashboard's
    filters stay in the state and go along (`?&status=...`)."""
    ann = await user_tab(tab, "ann")
    for _ in range(3):
        await open_label_page(ann)
        ann.draw(BOX)
        await ann.submission("to_validate", "to_annotate")
    admin = campaign["admin"]
    rows = (await admin.fetch_range_results(1, 100))["results"]
    ids = [r["data_id"] for r in rows]
    result = await admin.fetch_result(ids[1])
    assert result["data_id"] == ids[1] and admin.data_id == ids[1]
    assert admin.media_info["id"] == ids[1] and admin.annotations == {"annotations": [BOX]}
    assert (await admin.fetch_forward_result())["data_id"] == ids[2]
    assert admin.sent[-3].url == f"/api/v1/tasks/cars/results/{ids[1]}/next?"
    assert (await admin.fetch_backward_result())["data_id"] == ids[1]
    admin.update_filter("status", "to_validate")
    assert (await admin.fetch_forward_result())["data_id"] == ids[2]
    assert admin.sent[-3].url == f"/api/v1/tasks/cars/results/{ids[1]}/next?&status=to_validate"
    assert await admin.fetch_forward_result() == {}  # ids[2] is the last to validate: stays
    assert admin.data_id == ids[2]
    admin.update_filter("status", "")
    admin.update_filter("path", "img_0000;img_00011")
    assert (await admin.fetch_forward_result())["data_id"] == ids[3]
    await admin.fetch_result(ids[9])
    assert (await admin.fetch_forward_result())["data_id"] == ids[11]  # path contains img_00011

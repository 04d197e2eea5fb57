"""Shared pieces of the export/import tests: a workspace whose tasks hold every status, labels
and workers, and a snapshot of what a round trip must keep, read through the public doors."""
from __future__ import annotations

from typing import Any

from tests.client import Caller
from tests.conftest import make_user
from tests.workflow.gql import SAVE_LABELS, create_task, image_folder, next_job, update_job

EXPORT = """mutation($input: ExportTasksInput!) { exportTasks(input: $input) {
  path itemCount tasks { name } } }"""
IMPORT = """mutation($input: ImportTasksInput!) { importTasks(input: $input) {
  itemCount tasks { name } renamed { requested name } } }"""
STATE = """query($t: String!) { task(name: $t) { name dataset { path dataType itemCount }
  spec { pluginName dataType labelSchema settings }
  statusCounts { toAnnotate toValidate toCorrect done discard total } }
  results(taskName: $t, first: 200) { totalCount nodes { dataId status annotator validator
  cumulatedTimeSeconds inProgress data { path } } } }"""
LABELS_OF = """query($t: String!, $d: ID!) { labels(taskName: $t, dataId: $d) { annotations }
  labelStatistics(taskName: $t, dataId: $d) { objectCount categories { category count } } }"""

POLYGONS = {"pluginName": "polygon", "dataType": "IMAGE",
            "labelSchema": {"category": [{"name": "bike", "color": "#ff0000"}], "default": "bike"},
            "settings": {"zoom": 2}}


def boxes(n: int) -> list[dict[str, Any]]:
    return [{"id": f"b{n}-{i}", "category": "car" if i % 2 else "person",
             "geometry": {"type": "rectangle", "vertices": [0.1 * i, 0.1, 0.2 * i, 0.3]},
             "options": {"note": "é ü ☃"}} for i in range(n)]


async def busy_workspace(http, admin: Caller, workspace, clock) -> None:
    """Task `cars` (8 images) with every status, labels, annotators, validators and time; task
    `bikes` on the same images with another spec and a few labels."""
    image_folder(workspace, 8)
    await create_task(admin, "cars")
    await create_task(admin, "bikes", spec=POLYGONS)
    ann = await make_user(http, admin, "ann")
    val = await make_user(http, admin, "val")
    for i, status in enumerate(["TO_VALIDATE", "TO_VALIDATE", "TO_VALIDATE", "DISCARD",
                                "TO_VALIDATE"]):
        job = await next_job(ann)
        clock.advance(10 + i)
        await ann.gql(SAVE_LABELS, {"t": "cars", "d": job["dataId"], "a": boxes(i + 1)})
        await update_job(ann, job, status=status)
    for verdict in ("DONE", "TO_CORRECT", "DONE"):
        job = await next_job(val, objective="VALIDATE")
        clock.advance(5)
        await update_job(val, job, status=verdict, comments=["fine" if verdict == "DONE" else "redo"])
    held = await next_job(ann)  # the to_correct item, back with its annotator: held at export
    await ann.gql(SAVE_LABELS, {"t": "cars", "d": held["dataId"], "a": boxes(7)})
    for _ in range(2):
        job = await next_job(val, task="bikes")
        await val.gql(SAVE_LABELS, {"t": "bikes", "d": job["dataId"],
                                    "a": [{"id": "p", "category": "bike", "geometry": {
                                        "type": "polygon", "vertices": [0, 0, 1, 0, 1, 1]}}]})
        await update_job(val, job, status="TO_VALIDATE")


async def task_state(caller: Caller, task: str) -> dict[str, Any]:
    """What a round trip keeps of a task, keyed by data path (data ids differ per workspace):
    its dataset and spec, counters, and per item status, workers, time, labels, statistics."""
    data = await caller.gql(STATE, {"t": task})
    items = {}
    for item in data["results"]["nodes"]:
        labels = await caller.gql(LABELS_OF, {"t": task, "d": item["dataId"]})
        path = item["data"]["path"]
        items[path if isinstance(path, str) else " ".join(path)] = {
            "status": item["status"], "annotator": item["annotator"],
            "validator": item["validator"], "cumulatedTime": item["cumulatedTimeSeconds"],
            "annotations": labels["labels"]["annotations"],
            "statistics": labels["labelStatistics"]}
    task_data = data["task"]
    return {"dataset": task_data["dataset"], "spec": task_data["spec"],
            "counts": task_data["statusCounts"], "total": data["results"]["totalCount"],
            "items": items}

"""Dashboards without N queries, on both engines: a task's label statistics (from counters the
store keeps with every labels write) and per-worker statistics (items done, time spent), read
through GraphQL with their permissions."""
from __future__ import annotations

import asyncio

from tests.conftest import BOTH_ENGINES, make_user
from tests.workflow.gql import (
    DELETE_TASK,
    SAVE_LABELS,
    create_task,
    image_folder,
    next_job,
    update_job,
)

pytestmark = BOTH_ENGINES

TASK_STATS = """query($t: String!) { task(name: $t) {
  labelStatistics { objectCount categories { category count } } } }"""
WORKERS = """query($t: String!) { task(name: $t) {
  workerStatistics { username annotated validated timeSpentSeconds } } }"""
USER_STATS = """query($u: String!, $t: String) { user(username: $u) {
  statistics(taskName: $t) { annotated validated timeSpentSeconds } } }"""


def boxes(*categories: str) -> list[dict]:
    return [{"id": str(i), "category": c} for i, c in enumerate(categories)]


async def label_statistics(caller, task: str = "cars") -> dict:
    return (await caller.gql(TASK_STATS, {"t": task}))["task"]["labelStatistics"]


async def test_a_tasks_label_statistics_follow_saves_submits_and_deletion(http, admin, workspace,
                                                                          clock) -> None:
    image_folder(workspace, 3)
    await create_task(admin)
    ann = await make_user(http, admin, "ann")
    assert await label_statistics(ann) == {"objectCount": 0, "categories": []}
    job = await next_job(ann)
    await ann.gql(SAVE_LABELS, {"t": "cars", "d": job["dataId"], "a": boxes("car", "car")})
    await update_job(ann, job, status="TO_VALIDATE", nextJob=True,
                     labels=boxes("car", "bus", "a.b"))  # replaces the save
    job = await next_job(ann)
    await update_job(ann, job, status="TO_VALIDATE", labels=boxes("bus"))
    # any logged-in user reads them (tasks are open to read)
    assert await label_statistics(ann) == {"objectCount": 4, "categories": [
        {"category": "a.b", "count": 1}, {"category": "bus", "count": 2},
        {"category": "car", "count": 1}]}
    await admin.gql(DELETE_TASK, {"name": "cars"})
    await create_task(admin)
    assert await label_statistics(admin) == {"objectCount": 0, "categories": []}


async def test_simultaneous_saves_give_exact_totals(http, admin, workspace) -> None:
    image_folder(workspace, 4)
    await create_task(admin)
    ids = [r["dataId"] for r in (await admin.gql(
        'query { results(taskName: "cars") { nodes { dataId } } }'))["results"]["nodes"]]

    async def save(n: int) -> None:
        await admin.gql(SAVE_LABELS, {"t": "cars", "d": ids[n % 4],
                                      "a": boxes(*["car", "bus"][: n % 3])})

    await asyncio.gather(*(save(n) for n in range(24)))
    expected: dict[str, int] = {}
    objects = 0
    for data_id in ids:
        labels = (await admin.gql('query($d: ID!) { labels(taskName: "cars", dataId: $d) '
                                  '{ annotations } }', {"d": data_id}))["labels"]["annotations"]
        objects += len(labels)
        for box in labels:
            expected[box["category"]] = expected.get(box["category"], 0) + 1
    assert objects > 0
    assert await label_statistics(admin) == {"objectCount": objects, "categories": [
        {"category": c, "count": n} for c, n in sorted(expected.items())]}


async def test_worker_statistics_per_task_and_overall_with_permissions(http, admin, workspace,
                                                                       clock) -> None:
    image_folder(workspace, 2)
    await create_task(admin)
    await create_task(admin, "bikes")
    ann = await make_user(http, admin, "ann")
    val = await make_user(http, admin, "val")
    for task, seconds in (("cars", 40), ("cars", 20), ("bikes", 5)):
        job = await next_job(ann, task)
        clock.advance(seconds)
        await update_job(ann, job, status="TO_VALIDATE")
    review = await next_job(val, objective="VALIDATE")
    clock.advance(12.5)
    await update_job(val, review, status="DONE")

    workers = (await admin.gql(WORKERS, {"t": "cars"}))["task"]["workerStatistics"]
    assert workers == [
        {"username": "ann", "annotated": 2, "validated": 0, "timeSpentSeconds": 60},
        {"username": "val", "annotated": 0, "validated": 1, "timeSpentSeconds": 12.5}]
    overall = (await admin.gql(USER_STATS, {"u": "ann"}))["user"]["statistics"]
    assert overall == {"annotated": 3, "validated": 0, "timeSpentSeconds": 65}
    mine = (await ann.gql(USER_STATS, {"u": "ann", "t": "bikes"}))["user"]["statistics"]
    assert mine == {"annotated": 1, "validated": 0, "timeSpentSeconds": 5}
    me = (await val.gql("query { me { statistics { validated timeSpentSeconds } } }"))["me"]
    assert me["statistics"] == {"validated": 1, "timeSpentSeconds": 12.5}

    refused = await ann.gql_error(WORKERS, {"t": "cars"})
    assert refused.code == "FORBIDDEN"
    refused = await ann.gql_error(USER_STATS, {"u": "val"})
    assert refused.code == "FORBIDDEN"
    nobody = await http.post("/graphql", json={"query": "query { tasks { nodes { "
                                                       "labelStatistics { objectCount } } } }"})
    assert (await nobody.json())["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

"""GraphQL operations and fixtures-like helpers of the workflow API tests."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tests.client import Caller
from tests.files import make_images

TASK_FIELDS = """name dataset { id: datasetId path dataType itemCount } spec { id: specId pluginName dataType
labelSchema settings } statusCounts { toAnnotate toValidate toCorrect done discard total }"""
JOB_FIELDS = """gid: id id: jobId taskName dataId objective assignedTo startAt durationSeconds lastUpdateAt
comments { author text createdAt } annotator validator"""
RESULT_FIELDS = """taskName dataId finishedJobIds currentJobId status cumulatedTimeSeconds annotator
validator inProgress"""

CREATE_TASK = f"""mutation($input: CreateTaskInput!) {{ createTask(input: $input) {{
  task {{ {TASK_FIELDS} }} }} }}"""
TASKS = f"query {{ tasks {{ nodes {{ {TASK_FIELDS} }} }} }}"
TASK = f"query($name: String!) {{ task(name: $name) {{ {TASK_FIELDS} }} }}"
UPDATE_TASK = f"""mutation($input: UpdateTaskInput!) {{
  updateTask(input: $input) {{ task {{ {TASK_FIELDS} }} }} }}"""
DELETE_TASK = """mutation($name: String!) {
  deleteTask(input: {name: $name}) { deletedId deletedTaskName } }"""
NEXT_JOB = f"""mutation($t: String!, $o: JobObjective!) {{
  nextJob(input: {{taskName: $t, objective: $o}}) {{ job {{ {JOB_FIELDS} }} }} }}"""
SUBMIT_JOB = f"""mutation($input: SubmitJobInput!) {{ submitJob(input: $input) {{
  job {{ {JOB_FIELDS} }} result {{ dataId status }} nextJob {{ {JOB_FIELDS} }} }} }}"""
INTERRUPT_JOB = f"""mutation($input: InterruptJobInput!) {{ interruptJob(input: $input) {{
  job {{ {JOB_FIELDS} }} }} }}"""
TOUCH_JOB = f"""mutation($input: TouchJobInput!) {{ touchJob(input: $input) {{
  job {{ {JOB_FIELDS} }} }} }}"""
JOB = f"query($t: String!, $j: ID!) {{ job(taskName: $t, jobId: $j) {{ {JOB_FIELDS} }} }}"
UPDATE_JOBS = """mutation($t: String!, $ids: [ID!]!, $o: LabellingStatus) {
  updateJobs(input: {taskName: $t, jobIds: $ids, objective: $o}) { count } }"""
UPDATE_RESULTS = """mutation($t: String!, $ids: [ID!]!, $s: LabellingStatus) {
  updateResults(input: {taskName: $t, dataIds: $ids, status: $s}) { count } }"""
RESULTS = f"""query($t: String!, $f: ResultFilter, $s: SortParam, $first: Int, $after: String,
  $offset: Int) {{ results(taskName: $t, filter: $f, sort: $s, first: $first, after: $after,
  offset: $offset) {{ totalCount globalCount
  statusCounts {{ toAnnotate toValidate toCorrect done discard total }}
  nodes {{ {RESULT_FIELDS} thumbnail data {{ id path }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
RESULT = f"""query($t: String!, $d: ID!) {{ result(taskName: $t, dataId: $d) {{ {RESULT_FIELDS}
  thumbnail }} }}"""
NEIGHBOURS = """query($t: String!, $d: ID!, $f: ResultFilter, $s: SortParam) {
  previousResult(taskName: $t, dataId: $d, filter: $f, sort: $s) { dataId status }
  nextResult(taskName: $t, dataId: $d, filter: $f, sort: $s) { dataId status } }"""
LABELS = """query($t: String!, $d: ID!) { labels(taskName: $t, dataId: $d) { taskName dataId
  annotations } labelStatistics(taskName: $t, dataId: $d) {
    objectCount categories { category count } } }"""


def iso(seconds: float) -> str:
    """A DateTime as the API writes it: UTC, milliseconds, `Z` (e.g. 2023-11-14T22:13:20.000Z)."""
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{round(seconds * 1000) % 1000:03d}Z"


def comment(author: str, text: str, at: float) -> dict[str, Any]:
    """A typed Comment as the API answers it."""
    return {"author": author, "text": text, "createdAt": iso(at)}


def statistics(typed: dict[str, Any]) -> dict[str, Any]:
    """LabelStatistics' typed fields as the stored `{"objects", "categories"}` summary."""
    return {"objects": typed["objectCount"],
            "categories": {c["category"]: c["count"] for c in typed["categories"]}}
SAVE_LABELS = """mutation($t: String!, $d: ID!, $a: JSON!) {
  saveLabels(input: {taskName: $t, dataId: $d, annotations: $a}) {
    labels { taskName dataId annotations } } }"""
ME = """query { me { username assignments { taskName objective jobId job { jobId dataId } }
  queue { taskName objective jobId } } }"""


def by_key(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Typed assignments as `{"<task>/<objective>": jobId}` (a queue: lists of jobIds)."""
    out: dict[str, Any] = {}
    for entry in entries:
        out.setdefault(f"{entry['taskName']}/{entry['objective'].lower()}", []).append(
            entry["jobId"])
    return out


async def me(caller: Caller) -> dict[str, Any]:
    """The caller's username, held jobs and queue, keyed as the legacy API keyed them."""
    profile = (await caller.gql(ME))["me"]
    for entry in profile["assignments"]:
        assert entry["job"]["jobId"] == entry["jobId"]  # the typed entry links its job
    return {"username": profile["username"],
            "currAssignedJobs": {k: v[0] for k, v in by_key(profile["assignments"]).items()},
            "queue": by_key(profile["queue"])}

SPEC = {"pluginName": "rectangle", "dataType": "IMAGE",
        "labelSchema": {"category": [{"name": "car", "color": "green", "properties": []}],
                        "default": "car"}}


def image_folder(workspace: Path, count: int, folder: str = "images") -> list[str]:
    """`count` real JPEGs under workspace/folder; their /data URLs in data (path) order."""
    names = [f"img{i:03d}.jpg" for i in range(count)]
    make_images(workspace / folder, names)
    return [f"/data/{folder}/{n}" for n in names]


async def create_task(admin: Caller, name: str = "cars", folder: str = "images",
                      spec: dict[str, Any] | None = None) -> dict[str, Any]:
    data = await admin.gql(CREATE_TASK, {"input": {"name": name, "dataset": {"path": folder},
                                                   "spec": spec or SPEC}})
    return data["createTask"]["task"]


async def next_job(caller: Caller, task: str = "cars", objective: str = "ANNOTATE"):
    return (await caller.gql(NEXT_JOB, {"t": task, "o": objective}))["nextJob"]["job"]


def job_change(job: dict[str, Any] | str, **input: Any) -> tuple[str, dict[str, Any]]:
    """The mutation for a change of `job` (a job, or its global id): a status submits it,
    `interrupt=True` interrupts it, anything else is a heartbeat; (document, variables)."""
    gid = job if isinstance(job, str) else job["gid"]
    interrupt = input.pop("interrupt", False)
    document = SUBMIT_JOB if "status" in input else INTERRUPT_JOB if interrupt else TOUCH_JOB
    return document, {"input": {"jobId": gid, **input}}


async def update_job(caller: Caller, job: dict[str, Any], **input: Any) -> dict[str, Any]:
    """The payload of submitJob / interruptJob / touchJob (see `job_change`)."""
    return next(iter((await caller.gql(*job_change(job, **input))).values()))


async def result(caller: Caller, data_id: str, task: str = "cars") -> dict[str, Any]:
    return (await caller.gql(RESULT, {"t": task, "d": data_id}))["result"]


async def results(caller: Caller, task: str = "cars", **variables: Any) -> dict[str, Any]:
    return (await caller.gql(RESULTS, {"t": task, **variables}))["results"]

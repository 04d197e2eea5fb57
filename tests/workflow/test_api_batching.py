"""Nested fields are batched: a listing of N tasks or of a page of N results, an item's history,
users' assignments and a batch's payload cost one store read per kind of nested record (and
task), not N (checked on the embedded engine's statement trace)."""
from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import TypeVar

import pytest

from graph.services import SERVICES
from tests.client import Caller
from tests.conftest import MONGODB_URI, make_user
from tests.workflow.gql import create_task, image_folder, next_job, results, update_job

pytestmark = pytest.mark.skipif(bool(MONGODB_URI), reason="reads the SQLite statement trace")
T = TypeVar("T")


async def traced(http, operation: Awaitable[T]) -> tuple[T, list[str]]:
    """What `operation` (a coroutine not started yet) returns, and the SQL statements it ran."""
    store = http.app[SERVICES].store
    statements: list[str] = []
    await store._db.trace(statements.append)
    try:
        answer = await operation
    finally:
        await store._db.trace(None)
    return answer, statements


def reads_of(statements: list[str], table: str) -> int:
    return sum(1 for s in statements if re.search(rf"^SELECT .* FROM {table}\b", s))


def batched_reads(statements: list[str], table: str, column: str) -> int:
    """Reads of `table` by a list of `column` values (what the loaders' store reads run)."""
    return sum(1 for s in statements
               if re.search(rf"^SELECT .* FROM {table}\b.* {column} IN \(", s))


def point_reads(statements: list[str]) -> list[str]:
    """Reads of one result, job or labels row by its key: what an unbatched field would run."""
    return [s for s in statements if re.search(
        r"^SELECT .* FROM (results|jobs|labels)\b.* (data_id|current_job_id|id) = '", s)]


def after_the_write(statements: list[str]) -> list[str]:
    """What a mutation ran once its write transaction committed: the reads of its payload."""
    start = statements.index("BEGIN IMMEDIATE")
    return statements[statements.index("COMMIT", start) + 1:]


async def work_through(caller: Caller, count: int, task: str = "cars",
                       objective: str = "ANNOTATE", status: str = "TO_VALIDATE") -> list[str]:
    """`caller` ends `count` jobs of `objective` in data order, commenting each with the item's
    position; the dataIds they were on."""
    job = await next_job(caller, task, objective)
    done: list[str] = []
    for i in range(count):
        out = await update_job(caller, job, status=status, comments=[f"{objective} {i}"],
                               nextJob=i < count - 1)
        done.append(out["job"]["dataId"])
        job = out["nextJob"]
    return done


async def test_tasks_with_dataset_spec_and_counts_cost_one_read_each(http, admin, workspace) -> None:
    for i in range(6):
        image_folder(workspace, 2, folder=f"set{i}")
        await create_task(admin, f"task{i}", folder=f"set{i}",
                          spec={"pluginName": "rectangle", "dataType": "IMAGE",
                                "labelSchema": {"n": i}})
    query = ("query { tasks { nodes { name dataset { path itemCount } spec { labelSchema } "
             "statusCounts { total } } } }")
    data, statements = await traced(http, admin.gql(query))
    assert len(data["tasks"]["nodes"]) == 6 and all(t["statusCounts"]["total"] == 2 for t in data["tasks"]["nodes"])
    assert len({t["spec"]["labelSchema"]["n"] for t in data["tasks"]["nodes"]}) == 6
    assert reads_of(statements, "datasets") == 2  # the records, then the item counts
    assert reads_of(statements, "specs") == 1
    assert reads_of(statements, "task_counts") == 1


async def test_a_results_page_loads_its_items_at_once(http, admin, workspace) -> None:
    image_folder(workspace, 25)
    await create_task(admin)
    page, statements = await traced(http, results(admin, first=20))
    assert len(page["nodes"]) == 20 and all(i["thumbnail"] and i["data"] for i in page["nodes"])
    assert reads_of(statements, "data_items") == 1


async def test_legacy_page_numbers_deep_in_a_task_read_one_page(http, admin, workspace) -> None:
    """Pages of a status filter through REST, deep in the task: each page is the GraphQL
    listing's slice, with thumbnails, and costs one covered index walk to its start (only `ord`
    read: no skipped row is), one results seek per status and one read of the data items."""
    image_folder(workspace, 600)
    await create_task(admin)
    ids = [i["dataId"] for offset in (0, 200, 400)  # pages of at most 200
           for i in (await results(admin, first=200, offset=offset))["nodes"]]
    picked = ids[1::3]
    await admin.gql("""mutation($t: String!, $ids: [ID!]!) {
      updateResults(input: {taskName: $t, dataIds: $ids, status: TO_VALIDATE}) { count } }""",
                    {"t": "cars", "ids": picked})
    expected = [d for d in ids if d not in set(picked)]
    for page_number in (1, 26, 27, 40, 41):
        (status, out), statements = await traced(http, admin.rest(
            "GET", f"/tasks/cars/results?page={page_number}&count=10&status=to_annotate"))
        assert status == 200, out
        start = (page_number - 1) * 10
        assert [r["data_id"] for r in out["results"]] == expected[start:start + 10], page_number
        assert out["counter"] == len(expected) == 400
        assert all(r["thumbnail"] for r in out["results"])
        assert reads_of(statements, "data_items") == (1 if out["results"] else 0)
        seeks = [s for s in statements if re.search(r"FROM results\b.* LIMIT", s)]
        limits = [int(re.search(r"LIMIT (\d+)", s).group(1)) for s in seeks]
        skips = [(s, int(m.group(1))) for s in seeks if (m := re.search(r"OFFSET (\d+)", s))]
        assert max(limits, default=0) <= 11, seeks  # rows are read for the page only
        assert [k for _, k in skips] == ([start] if 1 < page_number < 41 else []), seeks
        assert all(s.startswith("SELECT ord FROM results") for s, _ in skips), seeks  # covered
    status, past = await admin.rest("GET", "/tasks/cars/results?page=41&count=10&status=to_annotate")
    assert (status, past["results"], past["counter"]) == (200, [], 400)


async def test_thumbnails_are_read_with_the_page_only_when_asked(http, admin, workspace) -> None:
    image_folder(workspace, 12)
    await create_task(admin)
    fragment = """query($t: String!) { results(taskName: $t, first: 5, offset: 3) {
      nodes { ...R } } }
      fragment R on Result { dataId thumbnail }"""
    bare = """query($t: String!) { results(taskName: $t, first: 5) { nodes { dataId } } }"""
    for query, reads in ((fragment, 1), (bare, 0)):
        out, statements = await traced(http, admin.gql(query, {"t": "cars"}))
        assert len(out["results"]["nodes"]) == 5
        assert reads_of(statements, "data_items") == reads
        if reads:
            assert all(i["thumbnail"] for i in out["results"]["nodes"])
            assert out["results"]["nodes"][0]["dataId"] == (await results(admin, first=12)
                                                            )["nodes"][3]["dataId"]


HISTORY_PAGE = """query { results(taskName: "cars", first: 20) { nodes { dataId status
  finishedJobIds history { id jobId objective assignedTo comments { text }
    result { status } labels { annotations } } } } }"""


async def test_a_page_of_histories_reads_its_jobs_at_once(http, admin, workspace) -> None:
    image_folder(workspace, 25)
    await create_task(admin)
    annotated = await work_through(admin, 20)
    validated = await work_through(admin, 3, objective="VALIDATE", status="DONE")
    page, statements = await traced(http, admin.gql(HISTORY_PAGE))
    nodes = page["results"]["nodes"]
    assert [n["dataId"] for n in nodes] == annotated
    for i, node in enumerate(nodes):
        history = node["history"]
        assert [j["jobId"] for j in history] == node["finishedJobIds"]
        expected = [("TO_ANNOTATE", f"ANNOTATE {i}")] + (
            [("TO_VALIDATE", f"VALIDATE {i}")] if node["dataId"] in validated else [])
        assert [(j["objective"], j["comments"][0]["text"]) for j in history] == expected
        assert all(j["assignedTo"] == "admin" and j["result"]["status"] == node["status"]
                   and j["labels"] == {"annotations": []} for j in history)
    assert sum(len(n["history"]) for n in nodes) == 23
    assert reads_of(statements, "jobs") == 1
    assert batched_reads(statements, "results", "current_job_id") == 1  # none is current
    assert batched_reads(statements, "results", "data_id") == 1  # their items' results
    assert reads_of(statements, "labels") == 1
    assert point_reads(statements) == []


ASSIGNMENTS = """query { me { assignments { taskName objective jobId job { jobId dataId
  objective result { dataId status inProgress } labels { annotations } } } } }"""


async def test_assignments_over_tasks_read_their_jobs_once_per_task(http, admin,
                                                                    workspace) -> None:
    """Alice holds an annotation and a validation job in each of three tasks: six jobs, each
    kind of record read once per task (three reads, not six)."""
    alice = await make_user(http, admin, "alice")
    tasks = [f"t{i}" for i in range(3)]
    for name in tasks:
        image_folder(workspace, 3, folder=name)
        await create_task(admin, name, folder=name)
        await work_through(admin, 1, task=name)
        await next_job(alice, name, "VALIDATE")
        job = await next_job(alice, name)
        await alice.gql("""mutation($t: String!, $d: ID!, $a: JSON!) { saveLabels(input:
          {taskName: $t, dataId: $d, annotations: $a}) { labels { dataId } } }""",
                        {"t": name, "d": job["dataId"], "a": [{"category": name}]})
    data, statements = await traced(http, alice.gql(ASSIGNMENTS))
    held = data["me"]["assignments"]
    assert sorted((a["taskName"], a["objective"]) for a in held) == [
        (t, o) for t in tasks for o in ("TO_ANNOTATE", "TO_VALIDATE")]
    for entry in held:
        job = entry["job"]
        assert (job["jobId"], job["objective"]) == (entry["jobId"], entry["objective"])
        assert job["result"] == {"dataId": job["dataId"], "inProgress": True,
                                 "status": entry["objective"]}
        annotating = entry["objective"] == "TO_ANNOTATE"
        assert job["labels"] == {"annotations": [{"category": entry["taskName"]}] if annotating
                                 else []}
    assert batched_reads(statements, "results", "current_job_id") == 3  # current jobs
    assert reads_of(statements, "jobs") == 0  # no finished one asked
    assert batched_reads(statements, "results", "data_id") == 3
    assert reads_of(statements, "labels") == 3
    assert point_reads(statements) == []


async def test_a_batch_payload_reads_its_results_at_once(http, admin, workspace) -> None:
    image_folder(workspace, 40)
    await create_task(admin)
    page = await results(admin, first=40)
    data_ids = [n["dataId"] for n in page["nodes"]][5:35]
    jobs = [n["currentJobId"] for n in page["nodes"]][:30]
    batch = """mutation($ids: [ID!]!) { updateResults(input: {taskName: "cars", dataIds: $ids,
      status: DONE}) { count results { dataId status currentJobId } } }"""
    out, statements = await traced(http, admin.gql(batch, {"ids": data_ids[::-1]}))
    payload = out["updateResults"]
    assert payload["count"] == 30
    assert payload["results"] == [{"dataId": d, "status": "DONE", "currentJobId": None}
                                  for d in data_ids[::-1]]
    after_write = after_the_write(statements)
    assert batched_reads(after_write, "results", "data_id") == 1
    assert point_reads(after_write) == []
    by_job = """mutation($ids: [ID!]!) { updateJobs(input: {taskName: "cars", jobIds: $ids,
      objective: TO_VALIDATE}) { count results { dataId status currentJobId } } }"""
    out, statements = await traced(http, admin.gql(by_job, {"ids": jobs[:5]}))
    payload = out["updateJobs"]
    first_five = [n["dataId"] for n in page["nodes"]][:5]
    assert [(r["dataId"], r["status"]) for r in payload["results"]] == [
        (d, "TO_VALIDATE") for d in first_five]
    assert all(r["currentJobId"] not in (None, *jobs) for r in payload["results"])  # new ones
    after_write = after_the_write(statements)
    assert reads_of(after_write, "jobs") == 1  # the jobs named, dropped to the history
    assert batched_reads(after_write, "results", "data_id") == 1
    assert point_reads(after_write) == []


async def test_each_mutation_of_a_document_reads_the_state_it_left(admin, workspace) -> None:
    """Mutations run one after the other: the second's payload must not answer what the
    first's payload read (the loaders remember nothing across root mutation fields)."""
    image_folder(workspace, 3)
    await create_task(admin)
    data_id = (await results(admin, first=1))["nodes"][0]["dataId"]
    out = await admin.gql("""mutation($ids: [ID!]!) {
      a: updateResults(input: {taskName: "cars", dataIds: $ids, status: TO_VALIDATE}) {
        results { status } task { statusCounts { toValidate done } } }
      b: updateResults(input: {taskName: "cars", dataIds: $ids, status: DONE}) {
        results { status } task { statusCounts { toValidate done } } } }""", {"ids": [data_id]})
    assert [out[k]["results"] for k in "ab"] == [[{"status": "TO_VALIDATE"}], [{"status": "DONE"}]]
    assert [out[k]["task"]["statusCounts"] for k in "ab"] == [{"toValidate": 1, "done": 0},
                                                             {"toValidate": 0, "done": 1}]

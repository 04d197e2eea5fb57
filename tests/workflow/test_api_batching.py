"""Nested fields are batched: a listing of N tasks or of a page of N results costs one store read
per kind of nested record, not N (checked on the embedded engine's statement trace)."""
from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import TypeVar

import pytest

from graph.services import SERVICES
from tests.conftest import MONGODB_URI
from tests.workflow.gql import create_task, image_folder, results

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

"""Nested fields are batched: a listing of N tasks or of a page of N results costs one store read
per kind of nested record, not N (checked on the embedded engine's statement trace)."""
from __future__ import annotations

import re

import pytest

from graph.services import SERVICES
from tests.conftest import MONGODB_URI
from tests.workflow.gql import create_task, image_folder, results

pytestmark = pytest.mark.skipif(bool(MONGODB_URI), reason="reads the SQLite statement trace")


async def traced(http, call) -> list[str]:
    store = http.app[SERVICES].store
    statements: list[str] = []
    await store._db.call(lambda c: c.set_trace_callback(statements.append))
    try:
        await call()
    finally:
        await store._db.call(lambda c: c.set_trace_callback(None))
    return statements


def reads_of(statements: list[str], table: str) -> int:
    return sum(1 for s in statements if re.search(rf"^SELECT .* FROM {table}\b", s))


async def test_tasks_with_dataset_spec_and_counts_cost_one_read_each(http, admin, workspace) -> None:
    for i in range(6):
        image_folder(workspace, 2, folder=f"set{i}")
        await create_task(admin, f"task{i}", folder=f"set{i}",
                          spec={"pluginName": "rectangle", "dataType": "IMAGE",
                                "labelSchema": {"n": i}})
    query = ("query { tasks { name dataset { path itemCount } spec { labelSchema } "
             "statusCounts { total } } }")
    data: dict = {}

    async def call() -> None:
        data.update(await admin.gql(query))

    statements = await traced(http, call)
    assert len(data["tasks"]) == 6 and all(t["statusCounts"]["total"] == 2 for t in data["tasks"])
    assert len({t["spec"]["labelSchema"]["n"] for t in data["tasks"]}) == 6
    assert reads_of(statements, "datasets") == 2  # the records, then the item counts
    assert reads_of(statements, "specs") == 1
    assert reads_of(statements, "task_counts") == 1


async def test_a_results_page_loads_its_items_at_once(http, admin, workspace) -> None:
    image_folder(workspace, 25)
    await create_task(admin)
    page: dict = {}

    async def call() -> None:
        page.update(await results(admin, first=20))

    statements = await traced(http, call)
    assert len(page["items"]) == 20 and all(i["thumbnail"] and i["data"] for i in page["items"])
    assert reads_of(statements, "data_items") == 1

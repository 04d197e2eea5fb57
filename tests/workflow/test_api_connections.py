"""Relay connections on both engines: every list has edges with cursors, nodes, pageInfo and
totalCount; every list pages both ways (first/after, last/before), results and data items with
keyset cursors that edges and pageInfo agree on."""
from __future__ import annotations

from typing import Any

from tests.conftest import BOTH_ENGINES, make_user
from tests.workflow.gql import create_task, image_folder

pytestmark = BOTH_ENGINES

PAGE = """query($first: Int, $after: String, $last: Int, $before: String) {
  users(first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { username } } nodes { username }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def _page(caller, **window: Any) -> dict[str, Any]:
    return (await caller.gql(PAGE, window))["users"]


def _names(page: dict[str, Any]) -> list[str]:
    assert [e["node"] for e in page["edges"]] == page["nodes"]
    return [n["username"] for n in page["nodes"]]


async def test_root_lists_page_forward_and_backward(http, admin) -> None:
    for name in ("u1", "u2", "u3", "u4"):
        await make_user(http, admin, name)
    everyone = ["admin", "u1", "u2", "u3", "u4"]
    whole = await _page(admin)
    assert _names(whole) == everyone and whole["totalCount"] == 5
    assert not whole["pageInfo"]["hasNextPage"] and not whole["pageInfo"]["hasPreviousPage"]

    seen, after = [], None
    while True:  # forward, two by two
        page = await _page(admin, first=2, after=after)
        seen += _names(page)
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == everyone

    seen, before = [], None
    while True:  # backward, two by two
        page = await _page(admin, last=2, before=before)
        seen = _names(page) + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert seen == everyone

    middle = await _page(admin, after=whole["edges"][0]["cursor"],
                         before=whole["edges"][4]["cursor"])
    assert _names(middle) == ["u1", "u2", "u3"]


async def test_root_list_refusals(http, admin) -> None:
    await make_user(http, admin, "gone")
    page = await _page(admin, first=2)
    cursor = page["edges"][1]["cursor"]  # "gone"
    await admin.gql('mutation { deleteUser(input: {username: "gone"}) { deletedId } }')
    for window in ({"after": cursor}, {"first": 1, "last": 1}, {"first": 1001},
                   {"last": -1}, {"after": "garbage"}):
        error = await admin.gql_error(PAGE, window)
        assert error.code == "BAD_USER_INPUT", (window, error.errors)


async def test_every_root_list_is_a_connection(http, admin, workspace) -> None:
    image_folder(workspace, 2)
    await create_task(admin)
    data = await admin.gql("""{
      tasks(first: 1) { totalCount nodes { name } pageInfo { hasNextPage } }
      datasets(last: 1) { totalCount nodes { path } pageInfo { hasPreviousPage } }
      specs { totalCount edges { cursor node { pluginName } } } }""")
    assert data["tasks"] == {"totalCount": 1, "nodes": [{"name": "cars"}],
                             "pageInfo": {"hasNextPage": False}}
    assert data["datasets"]["nodes"] == [{"path": "images/"}]
    assert data["specs"]["edges"][0]["node"]["pluginName"] == "rectangle"


RESULTS = """query($after: String) { results(taskName: "cars", first: 2, after: $after) {
  totalCount edges { cursor node { dataId } } nodes { dataId }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def test_results_and_data_items_are_connections(http, admin, workspace) -> None:
    image_folder(workspace, 5)
    await create_task(admin)
    seen, after = [], None
    while True:
        page = (await admin.gql(RESULTS, {"after": after}))["results"]
        assert [e["node"] for e in page["edges"]] == page["nodes"]
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        # any edge's cursor continues right after that edge
        rest = (await admin.gql(RESULTS, {"after": page["edges"][0]["cursor"]}))["results"]
        if len(page["nodes"]) > 1:
            assert rest["nodes"][0] == page["nodes"][1]
        seen += [n["dataId"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] == 5
    dataset_id = (await admin.gql('{ task(name: "cars") { dataset { datasetId } } }'))[
        "task"]["dataset"]["datasetId"]
    items = (await admin.gql("""query($d: ID!) { dataItems(datasetId: $d, first: 3) {
      totalCount edges { cursor node { dataId } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }""",
                             {"d": dataset_id}))["dataItems"]
    assert items["totalCount"] == 5 and len(items["edges"]) == 3
    assert items["pageInfo"]["hasNextPage"] and not items["pageInfo"]["hasPreviousPage"]
    assert [e["node"]["dataId"] for e in items["edges"]] == seen[:3]  # both in data order


WINDOW = """query($first: Int, $after: String, $last: Int, $before: String, $f: ResultFilter,
               $s: SortParam) {
  results(taskName: "cars", first: $first, after: $after, last: $last, before: $before,
          filter: $f, sort: $s) {
    totalCount edges { cursor node { dataId status } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def _walk_backward(caller, size: int, **variables: Any) -> list[str]:
    """Every result from the end to the start, `size` by size, through startCursor."""
    seen: list[str] = []
    before = None
    while True:
        page = (await caller.gql(WINDOW, {"last": size, "before": before, **variables}))["results"]
        ids = [e["node"]["dataId"] for e in page["edges"]]
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        seen = ids + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            return seen
        before = page["pageInfo"]["startCursor"]
        assert before == page["edges"][0]["cursor"]


async def test_results_page_backward_as_forward(http, admin, alice, workspace) -> None:
    image_folder(workspace, 7)
    await create_task(admin)
    for _ in range(3):  # three items move on: the status order differs from data order
        job = (await alice.gql("""mutation { nextJob(input: {taskName: "cars",
          objective: ANNOTATE}) { job { id } } }"""))["nextJob"]["job"]
        await alice.gql("""mutation($j: ID!) { submitJob(input: {jobId: $j,
          status: TO_VALIDATE}) { job { jobId } } }""", {"j": job["id"]})
    for variables in ({}, {"s": "STATUS"}, {"s": "ASSIGNED"}, {"f": {"status": ["TO_ANNOTATE"]}},
                      {"f": {"worker": "alice"}}, {"s": "STATUS", "f": {"inProgress": False}},
                      {"s": "STATUS", "f": {"contains": {"dataId": ["1", "2", "3"]}}}):
        forward = (await admin.gql(WINDOW, {"first": 100, **variables}))["results"]
        everything = [e["node"]["dataId"] for e in forward["edges"]]
        assert everything and await _walk_backward(admin, 2, **variables) == everything, variables
        last = (await admin.gql(WINDOW, {"last": 2, **variables}))["results"]
        assert [e["node"]["dataId"] for e in last["edges"]] == everything[-2:]
        assert last["pageInfo"]["hasPreviousPage"] is (len(everything) > 2)
        assert last["pageInfo"]["hasNextPage"] is False
    forward = (await admin.gql(WINDOW, {"first": 100}))["results"]["edges"]
    between = (await admin.gql(WINDOW, {"after": forward[1]["cursor"],
                                        "before": forward[5]["cursor"]}))["results"]
    assert [e["node"]["dataId"] for e in between["edges"]] == [
        e["node"]["dataId"] for e in forward[2:5]]
    assert between["pageInfo"]["hasNextPage"] and between["pageInfo"]["hasPreviousPage"]
    tail = (await admin.gql(WINDOW, {"last": 2, "after": forward[3]["cursor"],
                                     "before": forward[5]["cursor"]}))["results"]
    assert [e["node"]["dataId"] for e in tail["edges"]] == [forward[4]["node"]["dataId"]]


async def test_results_window_refusals(http, admin, workspace) -> None:
    image_folder(workspace, 3)
    await create_task(admin)
    for window, field in (({"last": 1, "before": "garbage"}, "before"),
                          ({"first": 1, "before": "garbage"}, "before"),
                          ({"first": 1, "last": 1}, "last"), ({"last": 201}, "last")):
        error = await admin.gql_error(WINDOW, window)
        assert error.code == "BAD_USER_INPUT", (window, error.errors)
        assert error.errors[0]["extensions"]["field"] == field, error.errors
    error = await admin.gql_error('{ results(taskName: "cars", last: 1, offset: 1) { totalCount } }')
    assert error.code == "BAD_USER_INPUT" and "offset" in error.errors[0]["message"]


async def test_data_items_page_backward(http, admin, workspace) -> None:
    image_folder(workspace, 5)
    await create_task(admin)
    dataset_id = (await admin.gql('{ task(name: "cars") { dataset { datasetId } } }'))[
        "task"]["dataset"]["datasetId"]
    query = """query($d: ID!, $first: Int, $after: String, $last: Int, $before: String) {
      dataItems(datasetId: $d, first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { dataId } } pageInfo { hasNextPage hasPreviousPage startCursor } } }"""
    everything = [e["node"]["dataId"] for e in (await admin.gql(
        query, {"d": dataset_id, "first": 10}))["dataItems"]["edges"]]
    seen, before = [], None
    while True:
        page = (await admin.gql(query, {"d": dataset_id, "last": 2, "before": before}))[
            "dataItems"]
        seen = [e["node"]["dataId"] for e in page["edges"]] + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert len(everything) == 5 and seen == everything

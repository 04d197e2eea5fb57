"""Global object identification and nullable lookups, on both engines: every entity has an opaque,
globally unique `id` that `node(id:)` / `nodes(ids:)` resolve again; a missing object is `null`
with a NOT_FOUND error at its own path, and the rest of the answer is still there."""
from __future__ import annotations

from typing import Any

from tests.client import Caller, login
from tests.conftest import ADMIN_PASSWORD, BOTH_ENGINES, make_user
from tests.workflow.gql import create_task, image_folder, next_job

pytestmark = BOTH_ENGINES

EVERYTHING = """query($t: String!, $d: ID!, $j: ID!, $u: String!) {
  task(name: $t) { id name dataset { id datasetId } spec { id specId } }
  result(taskName: $t, dataId: $d) { id dataId data { id dataId datasetId } }
  job(taskName: $t, jobId: $j) { id jobId }
  labels(taskName: $t, dataId: $d) { id }
  labelStatistics(taskName: $t, dataId: $d) { id }
  user(username: $u) { id username } me { id username } }"""

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on Task { name } ... on Dataset { datasetId } ... on Spec { specId }
  ... on DataItem { dataId datasetId } ... on Job { jobId taskName } ... on Result { dataId }
  ... on Labels { annotations } ... on LabelStatistics { objectCount categories { category count } } ... on User { username } } }"""

NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"

SAVE = """mutation($t: String!, $d: ID!, $a: JSON!) {
  saveLabels(input: {taskName: $t, dataId: $d, annotations: $a}) { labels { id } } }"""


async def _world(http, workspace) -> tuple[Caller, Caller, dict[str, Any]]:
    admin = await login(http, "admin", ADMIN_PASSWORD)
    alice = await make_user(http, admin, "alice")
    image_folder(workspace, 2)
    await create_task(admin)
    job = await next_job(alice)
    await alice.gql(SAVE, {"t": "cars", "d": job["dataId"], "a": [{"category": "car"}]})
    data = await alice.gql(EVERYTHING, {"t": "cars", "d": job["dataId"], "j": job["id"],
                                        "u": "alice"})
    return admin, alice, data


def _ids(data: dict[str, Any]) -> dict[str, str]:
    task, result = data["task"], data["result"]
    return {"Task": task["id"], "Dataset": task["dataset"]["id"], "Spec": task["spec"]["id"],
            "Result": result["id"], "DataItem": result["data"]["id"], "Job": data["job"]["id"],
            "Labels": data["labels"]["id"], "LabelStatistics": data["labelStatistics"]["id"],
            "User": data["user"]["id"]}


async def test_every_object_has_a_global_id_that_node_resolves(http, workspace):
    admin, alice, data = await _world(http, workspace)
    ids = _ids(data)
    assert len(set(ids.values())) == len(ids)  # globally unique, although keys repeat
    assert data["me"]["id"] == data["user"]["id"]  # stable: the same object, the same id
    for type_name, global_id in ids.items():
        node = (await alice.gql(NODE, {"id": global_id}))["node"]
        assert (node["__typename"], node["id"]) == (type_name, global_id)
    found = {t: (await admin.gql(NODE, {"id": i}))["node"] for t, i in ids.items()}
    assert found["Task"]["name"] == "cars"
    assert found["DataItem"]["dataId"] == data["result"]["dataId"]
    assert found["DataItem"]["datasetId"] == data["task"]["dataset"]["datasetId"]
    assert found["Job"] == {"__typename": "Job", "id": ids["Job"], "jobId": data["job"]["jobId"],
                            "taskName": "cars"}
    assert found["Labels"]["annotations"] == [{"category": "car"}]
    assert found["LabelStatistics"]["objectCount"] == 1
    assert found["LabelStatistics"]["categories"] == [{"category": "car", "count": 1}]
    assert found["User"]["username"] == "alice"


async def test_nodes_keeps_order_and_reports_each_missing_one_at_its_index(http, workspace):
    admin, alice, data = await _world(http, workspace)
    ids = _ids(data)
    await admin.gql("mutation { deleteTask(input: {name: \"cars\"}) { deletedId } }")
    body = await admin.raw_gql(NODES, {"ids": [ids["Dataset"], ids["Task"], ids["User"]]})
    assert [n and n["__typename"] for n in body["data"]["nodes"]] == ["Dataset", None, "User"]
    [error] = body["errors"]
    assert (error["path"], error["extensions"]["code"]) == (["nodes", 1], "NOT_FOUND")


async def test_node_refusals(http, workspace):
    admin, alice, data = await _world(http, workspace)
    admin_id = (await admin.gql("{ me { id } }"))["me"]["id"]
    body = await alice.raw_gql(NODE, {"id": admin_id})  # another user's account
    assert body["data"] == {"node": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for bad in ("not-an-id", "W10", "WyJUYXNrIl0"):  # not base64 JSON; []; ["Task"] (no key)
        error = await alice.gql_error(NODE, {"id": bad})
        assert error.code == "BAD_USER_INPUT", (bad, error.errors)
    unknown_type = _encode("Nope", "x")
    assert (await alice.gql_error(NODE, {"id": unknown_type})).code == "NOT_FOUND"
    anonymous = Caller(http)
    assert (await anonymous.gql_error(NODE, {"id": admin_id})).code == "UNAUTHENTICATED"


def _encode(*parts: str) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


LOOKUPS = {
    "task": ('task(name: "nope") { name }', "name"),
    "dataset": ('dataset(datasetId: "nope") { path }', "datasetId"),
    "spec": ('spec(specId: "nope") { pluginName }', "specId"),
    "dataItem": ('dataItem(datasetId: $ds, dataId: "nope") { path }', "dataId"),
    "job": ('job(taskName: "cars", jobId: "nope") { objective }', "jobId"),
    "result": ('result(taskName: "cars", dataId: "nope") { status }', "dataId"),
    "user": ('user(username: "nope") { role }', "username"),
}


async def test_a_missing_object_is_null_with_not_found_and_the_rest_still_answers(http, workspace):
    admin, alice, data = await _world(http, workspace)
    dataset_id = data["task"]["dataset"]["datasetId"]
    for field, (selection, argument) in LOOKUPS.items():
        head = "query($ds: ID!)" if "$ds" in selection else "query"
        body = await admin.raw_gql(f"{head} {{ {selection} tasks {{ nodes {{ name }} }} }}",
                                   {"ds": dataset_id} if "$ds" in selection else {})
        assert body["data"] == {field: None, "tasks": {"nodes": [{"name": "cars"}]}}, field
        [error] = body["errors"]
        assert error["path"] == [field], field
        assert error["extensions"]["code"] == "NOT_FOUND", field
        assert error["extensions"]["field"] == argument, field

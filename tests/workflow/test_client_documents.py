"""The client documents (`tests/client/*.graphql`) as a contract: each validates against the schema,
and the annotator and validator loops, the dashboards, the results table and user management run
exactly these documents; the annotator loop costs one request per step, counted."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from graphql import (FieldNode, FragmentSpreadNode, GraphQLObjectType, InlineFragmentNode,
                     get_named_type, parse, validate)

from graph.schema import schema
from tests.client import Caller, GraphQLFailure
from tests.client_docs import _fragments, _spreads, files, operation, operations
from tests.conftest import ADMIN_PASSWORD, BOTH_ENGINES, USER_PASSWORD
from tests.workflow.gql import create_task, image_folder


@pytest.mark.parametrize("file", [f.name for f in files()])
def test_every_client_document_validates(file: str) -> None:
    assert operations(file), f"{file} holds no named operation"
    for name in operations(file):
        assert validate(schema._schema, parse(operation(file, name))) == [], (file, name)


def test_every_shared_fragment_is_used() -> None:
    used = set().union(*(_spreads(node) for f in files() for node in operations(f.name).values()))
    used |= set().union(*(_spreads(f) for f in _fragments().values()))
    assert used >= set(_fragments())


@dataclass
class Client:
    """A UI: it speaks only the client documents, and counts its requests."""

    caller: Caller
    requests: int = 0

    async def run(self, file: str, op: str, /, **variables: Any) -> dict[str, Any]:
        self.requests += 1
        return await self.caller.gql(operation(file, op), variables)


async def _login(http, username: str, password: str) -> Client:
    data = await Client(Caller(http)).run("login.graphql", "Login",
                                          input={"username": username, "password": password})
    http.session.cookie_jar.clear()
    user = data["login"]["user"]
    assert user["username"] == username and user["id"]
    return Client(Caller(http, token=data["login"]["token"], username=username))


@pytest.fixture
async def team(http, workspace) -> tuple[Client, Client, Client, list[str]]:
    admin = await _login(http, "admin", ADMIN_PASSWORD)
    for name in ("ann", "val"):
        await admin.run("users.graphql", "CreateUser",
                        input={"username": name, "password": USER_PASSWORD})
    urls = image_folder(workspace, 3)
    await create_task(admin.caller)
    return admin, await _login(http, "ann", USER_PASSWORD), await _login(http, "val",
                                                                           USER_PASSWORD), urls


@BOTH_ENGINES
async def test_the_annotator_loop_is_one_request_per_step(team) -> None:
    admin, ann, val, urls = team
    before = ann.requests
    job = (await ann.run("annotator.graphql", "TakeJob", taskName="cars"))["nextJob"]["job"]
    assert ann.requests == before + 1  # claim and load everything: one request
    done = []
    while job is not None:
        assert job["dataItem"]["urls"][0] in urls and job["dataItem"]["thumbnail"]
        assert job["spec"]["labelSchema"]["default"] == "car" and job["task"]["name"] == "cars"
        assert job["labels"]["annotations"] == [] and job["result"]["status"] == "TO_ANNOTATE"
        boxes = [{"category": "car", "n": len(done)}]
        step = ann.requests
        data = (await ann.run("annotator.graphql", "SubmitAndNext", jobId=job["id"],
                              labels=boxes))["submitJob"]
        assert ann.requests == step + 1  # submit + labels + next: one request
        assert data["result"]["status"] == "TO_VALIDATE" and data["job"]["startAt"] is None
        done.append((job["dataId"], boxes))
        job = data["nextJob"]
    assert ann.requests == before + 1 + 3 and len(done) == 3
    for data_id, boxes in done:  # the labels landed with each submit
        detail = await admin.run("results.graphql", "ResultDetail", taskName="cars",
                                 dataId=data_id)
        assert detail["labels"]["annotations"] == boxes
        assert detail["result"]["status"] == "TO_VALIDATE"


@BOTH_ENGINES
async def test_the_validator_loop_dashboards_results_table_and_users(team, http, clock) -> None:
    admin, ann, val, urls = team
    job = (await ann.run("annotator.graphql", "TakeJob", taskName="cars"))["nextJob"]["job"]
    await ann.run("annotator.graphql", "SaveLabels", taskName="cars", dataId=job["dataId"],
                  annotations=[{"category": "car"}])
    assert (await ann.run("annotator.graphql", "TouchJob", jobId=job["id"]))["touchJob"]
    clock.advance(30)
    left = (await ann.run("annotator.graphql", "LeaveJob", jobId=job["id"]))["interruptJob"]
    assert left["job"]["startAt"] is None
    job = (await ann.run("annotator.graphql", "TakeJob", taskName="cars"))["nextJob"]["job"]
    assert job["labels"]["annotations"] == [{"category": "car"}]  # resumed, labels kept
    while job is not None:
        job = (await ann.run("annotator.graphql", "SubmitAndNext",
                             jobId=job["id"]))["submitJob"]["nextJob"]

    review = (await val.run("validator.graphql", "TakeReview", taskName="cars"))["nextJob"]["job"]
    assert review["annotator"] == "ann" and review["objective"] == "TO_VALIDATE"
    verdicts = ["TO_CORRECT", "DONE", "DONE"]
    for verdict in verdicts:
        data = (await val.run("validator.graphql", "VerdictAndNext", jobId=review["id"],
                              status=verdict,
                              comments=["left car"] if verdict == "TO_CORRECT" else None)
                )["submitJob"]
        assert data["result"]["status"] == verdict and data["result"]["validator"] == "val"
        review = data["nextJob"]
    assert review is None
    fix = (await ann.run("annotator.graphql", "TakeJob", taskName="cars"))["nextJob"]["job"]
    assert fix["objective"] == "TO_CORRECT"
    assert [(c["author"], c["text"]) for c in fix["comments"]] == [("val", "left car")]

    [card] = (await admin.run("dashboard.graphql", "Dashboard"))["tasks"]["nodes"]
    assert card["statusCounts"] == {"toAnnotate": 0, "toValidate": 0, "toCorrect": 1, "done": 2,
                                    "discard": 0, "total": 3}
    assert card["labelStatistics"] == {"objectCount": 1,
                                       "categories": [{"category": "car", "count": 1}]}
    workers = (await admin.run("dashboard.graphql", "TaskWorkers", name="cars"))["task"]
    assert workers["workerStatistics"] == [
        {"username": "ann", "annotated": 3, "validated": 0, "timeSpentSeconds": 30},
        {"username": "val", "annotated": 0, "validated": 3, "timeSpentSeconds": 0}]
    mine = (await ann.run("dashboard.graphql", "MyStatistics"))["me"]
    assert mine["statistics"] == {"annotated": 3, "validated": 0, "timeSpentSeconds": 30}
    mine = (await val.run("dashboard.graphql", "MyStatistics", taskName="nope"))["me"]
    assert mine["statistics"] == {"annotated": 0, "validated": 0, "timeSpentSeconds": 0}
    with pytest.raises(GraphQLFailure) as refused:  # who did what is for admins
        await ann.run("dashboard.graphql", "TaskWorkers", name="cars")
    assert refused.value.code == "FORBIDDEN"
    assert card["dataset"]["itemCount"] == 3
    one = await ann.run("dashboard.graphql", "TaskDashboard", name="cars")
    assert one["task"] == card

    table = (await admin.run("results.graphql", "ResultsTable", taskName="cars",
                             filter={"status": ["DONE"]}, first=1))["results"]
    assert (table["totalCount"], table["globalCount"], len(table["nodes"])) == (2, 3, 1)
    assert table["pageInfo"]["hasNextPage"] and table["nodes"][0]["thumbnail"]
    rest = (await admin.run("results.graphql", "ResultsTable", taskName="cars",
                            filter={"status": ["DONE"]},
                            after=table["pageInfo"]["endCursor"]))["results"]
    assert len(rest["nodes"]) == 1 and not rest["pageInfo"]["hasNextPage"]
    row = rest["nodes"][0]
    changed = (await admin.run("results.graphql", "SetStatus", input={
        "taskName": "cars", "dataIds": [row["dataId"]], "status": "TO_VALIDATE"}))["updateResults"]
    assert changed["count"] == 1 and changed["task"]["id"] == card["id"]
    counts = changed["task"]["statusCounts"]
    assert (counts["done"], counts["toValidate"]) == (1, 1)  # the cache's card, refreshed
    assert [(r["id"], r["status"]) for r in changed["results"]] == [(row["id"], "TO_VALIDATE")]
    [card] = (await admin.run("dashboard.graphql", "Dashboard"))["tasks"]["nodes"]
    assert card["statusCounts"] == changed["task"]["statusCounts"]

    users = (await admin.run("users.graphql", "Users"))["users"]["nodes"]
    assert [u["username"] for u in users] == ["admin", "ann", "val"]
    updated = await admin.run("users.graphql", "UpdateUser",
                              input={"username": "val", "role": "ADMIN"})
    assert updated["updateUser"]["user"]["role"] == "ADMIN"
    ann_id = next(u["id"] for u in users if u["username"] == "ann")
    deleted = (await admin.run("users.graphql", "DeleteUser", input={"username": "ann"}))
    assert deleted["deleteUser"] == {"deletedId": ann_id, "deletedUsername": "ann"}
    with pytest.raises(GraphQLFailure) as ended:  # a role change ends the account's sessions
        await val.run("login.graphql", "Me")
    assert ended.value.code == "UNAUTHENTICATED"
    val = await _login(http, "val", USER_PASSWORD)
    assert (await val.run("login.graphql", "Me"))["me"]["role"] == "ADMIN"
    me = (await val.run("login.graphql", "Me"))["me"]
    assert (await val.run("login.graphql", "Logout"))["logout"] == {"user": {"id": me["id"]}}


def _keyless(file: str, name: str) -> list[str]:
    """Paths of the selections of Node objects that do not select `id` (under its own name): what
    a normalised cache (urql's Graphcache, Apollo, Relay) cannot key, and warns about."""
    type_schema = schema._schema
    fragments = _fragments()
    node_type = type_schema.get_type("Node")
    missing: list[str] = []

    def keys(selection_set: Any, parent: Any) -> set[str]:  # response keys, fragments expanded
        out: set[str] = set()
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                out.add((sel.alias or sel.name).value)
            elif isinstance(sel, InlineFragmentNode):
                out |= keys(sel.selection_set, parent)
            elif isinstance(sel, FragmentSpreadNode):
                out |= keys(fragments[sel.name.value].selection_set, parent)
        return out

    def walk(selection_set: Any, parent: Any, path: str) -> None:
        if (isinstance(parent, GraphQLObjectType) and node_type in parent.interfaces
                and "id" not in keys(selection_set, parent)):
            missing.append(path or parent.name)
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode) and sel.selection_set is not None:
                field = parent.fields[sel.name.value]
                walk(sel.selection_set, get_named_type(field.type), f"{path}.{sel.name.value}")
            elif isinstance(sel, InlineFragmentNode):
                inner = (type_schema.get_type(sel.type_condition.name.value)
                         if sel.type_condition else parent)
                walk(sel.selection_set, inner, path)
            elif isinstance(sel, FragmentSpreadNode):
                fragment = fragments[sel.name.value]
                walk(fragment.selection_set,
                     type_schema.get_type(fragment.type_condition.name.value), path)

    document = parse(operation(file, name))
    for definition in document.definitions:
        if getattr(definition, "name", None) is not None and definition.name.value == name:
            root = type_schema.get_root_type(definition.operation)
            walk(definition.selection_set, root, name)
    return missing


@pytest.mark.parametrize("file", [f.name for f in files()])
def test_every_node_a_client_document_reads_carries_its_id(file: str) -> None:
    """The issue's client, urql with its normalised cache, keys every object by `id`."""
    for name in operations(file):
        assert _keyless(file, name) == [], (file, name)

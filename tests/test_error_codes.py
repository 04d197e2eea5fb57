"""Every GraphQL error carries `extensions.code`, GraphQL's own refusals included, so a client
needs one error path: syntax, validation, variable coercion, and ours."""
from __future__ import annotations

import pytest

CASES = [
    ("{ me { username ", None, "GRAPHQL_PARSE_FAILED"),
    ("{ me { nope } }", None, "GRAPHQL_VALIDATION_FAILED"),
    ("query($n: String!) { task(name: $n) { name } }", {}, "BAD_USER_INPUT"),  # missing variable
    ("query($n: String!) { task(name: $n) { name } }", {"n": 3}, "BAD_USER_INPUT"),
    ("mutation($i: NextJobInput!) { nextJob(input: $i) { job { id } } }",
     {"i": {"taskName": "cars", "objective": "TO_CORRECT"}}, "BAD_USER_INPUT"),
    ('{ task(name: "nope") { name } }', None, "NOT_FOUND"),
    ('{ node(id: "garbage") { id } }', None, "BAD_USER_INPUT"),
]


@pytest.mark.parametrize(("query", "variables", "code"), CASES)
async def test_every_error_has_a_code(admin, query, variables, code) -> None:
    body = await admin.raw_gql(query, variables)
    assert body["errors"], body
    assert [e["extensions"]["code"] for e in body["errors"]] == [code] * len(body["errors"])


async def test_several_validation_errors_all_have_codes(admin) -> None:
    body = await admin.raw_gql("{ me { nope other } tasks { nodes { what } } }")
    assert len(body["errors"]) == 3
    assert {e["extensions"]["code"] for e in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}


CREATE_TASK = "mutation($i: CreateTaskInput!) { createTask(input: $i) { task { name } } }"
CREATE_USER = "mutation($i: CreateUserInput!) { createUser(input: $i) { user { username } } }"


async def test_bad_input_reports_every_offending_field_at_once(admin) -> None:
    body = await admin.raw_gql(CREATE_TASK, {"i": {
        "name": "a/b", "dataset": {"path": "../outside", "dataType": "PCL"},
        "spec": {"pluginName": "", "dataType": "IMAGE", "labelSchema": []}}})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert [f["field"] for f in error["extensions"]["fields"]] == [
        "name", "dataset.dataType", "spec.pluginName", "spec.labelSchema", "dataset.path"]
    assert all(f["message"] for f in error["extensions"]["fields"])
    assert (await admin.gql("{ tasks { nodes { name } } }"))["tasks"]["nodes"] == []  # nothing written

    body = await admin.raw_gql(CREATE_USER, {"i": {"username": " x", "password": "",
                                                   "preferences": [1]}})
    fields = body["errors"][0]["extensions"]["fields"]
    assert [f["field"] for f in fields] == ["username", "password", "preferences"]


async def test_one_bad_field_is_listed_the_same_way(admin) -> None:
    body = await admin.raw_gql(CREATE_USER, {"i": {"username": "ok", "password": ""}})
    [error] = body["errors"]
    assert error["extensions"]["fields"] == [{"field": "password",
                                              "message": error["message"]}]
    assert error["extensions"]["field"] == "password"

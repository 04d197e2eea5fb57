"""Every route of the table, generically: 401 without a session, 403 for a plain user where only
admins may act, 404 for unknown path ids, 400 for malformed or ill-typed bodies.

The cases are derived from the table itself, so a route added later is covered at once.
"""
from __future__ import annotations

import re

import pytest

from graph.rest.docs import example_body
from graph.rest.routes import ROUTES
from graph.rest.spec import Route
from tests.client import Caller

ADMIN_ONLY = {"signup", "listUsers", "createUser", "updateUser", "deleteUser", "createDataset",
              "deleteDataset", "createSpec", "updateSpec", "deleteSpec", "createTask", "updateTask",
              "deleteTask", "updateJobs", "updateResults", "exportTasks", "importTasks"}
UNKNOWN = "nothing-here"


def concrete(route: Route) -> str:
    return re.sub(r"\{[^}]+\}", UNKNOWN, route.path)


def body_for(route: Route) -> dict | None:
    if route.body is None:
        return None
    body = example_body(route.body)
    for key in ("task_name", "data_id", "name"):  # a body naming a task/item must match the URL
        if key in body:
            body[key] = UNKNOWN
    return body


def request_kwargs(route: Route) -> dict:
    body = body_for(route)
    return {} if body is None else {"json": body}


def ids(routes) -> list[str]:
    return [f"{r.method} {r.path}" for r in routes]


PRIVATE = [r for r in ROUTES if not r.public]
ADMIN = [r for r in ROUTES if r.name in ADMIN_ONLY]
WITH_IDS = [r for r in ROUTES if r.path_params]
WITH_BODY = [r for r in ROUTES if r.body is not None]


def test_the_admin_list_names_real_routes() -> None:
    assert ADMIN_ONLY <= {r.name for r in ROUTES}


@pytest.mark.parametrize("route", PRIVATE, ids=ids(PRIVATE))
async def test_401_without_a_session(http, route: Route) -> None:
    status, body = await Caller(http).rest(route.method, concrete(route), **request_kwargs(route))
    assert (status, body["type"]) == (401, "unauthenticated"), body


@pytest.mark.parametrize("route", ADMIN, ids=ids(ADMIN))
async def test_403_for_a_plain_user_on_admin_routes(alice: Caller, route: Route) -> None:
    status, body = await alice.rest(route.method, concrete(route), **request_kwargs(route))
    assert (status, body["type"]) == (403, "forbidden"), body


@pytest.mark.parametrize("route", WITH_IDS, ids=ids(WITH_IDS))
async def test_404_for_unknown_ids(admin: Caller, route: Route) -> None:
    status, body = await admin.rest(route.method, concrete(route), **request_kwargs(route))
    assert (status, body["type"]) == (404, "not_found"), body
    assert "no such API path" not in body["message"]  # the resource is unknown, not the path


@pytest.mark.parametrize("route", WITH_BODY, ids=ids(WITH_BODY))
async def test_400_for_malformed_or_ill_typed_bodies(admin: Caller, route: Route) -> None:
    path = concrete(route)
    status, body = await admin.rest(route.method, path, data="{oops",
                                    headers={"Content-Type": "application/json"})
    assert (status, body["type"]) == (400, "bad_user_input") and "JSON" in body["message"]
    status, body = await admin.rest(route.method, path, json=["not", "an", "object"])
    assert (status, body["type"]) == (400, "bad_user_input")
    # every declared field with a value of the wrong JSON type
    for field in route.body.fields:
        if not field.schema.get("type"):
            continue  # free JSON
        wrong = 12345 if field.schema["type"] != "integer" else "text"
        status, body = await admin.rest(route.method, path,
                                        json={**body_for(route), field.name: wrong})
        assert (status, body["type"]) == (400, "bad_user_input"), (field.name, body)
        assert repr(field.name) in body["message"]


async def test_values_the_schema_refuses_are_400_too(admin: Caller) -> None:
    """Past the REST checks, GraphQL's own variable coercion still answers 400, not 500."""
    status, body = await admin.rest("GET", "/tasks/cars/results?page=99999999999&count=10")
    assert (status, body["type"]) == (400, "bad_user_input")
    assert "999999999980" in body["message"]  # the offset, over GraphQL's Int
    status, body = await admin.rest("GET", "/tasks/cars/results?page=1&count=99999999999")
    assert (status, body["type"]) == (400, "bad_user_input")  # over the maximum page size
    assert "99999999999" in body["message"]
    status, body = await admin.rest("GET", "/tasks/cars/jobs/next?objective=to_annotate;to_validate")
    assert (status, body["type"]) == (400, "bad_user_input")

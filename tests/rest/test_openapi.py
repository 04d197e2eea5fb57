"""GET /api/v1/openapi.json: valid OpenAPI 3.1, and exactly the routes the server answers."""
from __future__ import annotations

import re

import pytest

from graph.rest.routes import ROUTES
from tests.rest.legacy import LegacyClient


@pytest.fixture
async def document(http) -> dict:
    client = LegacyClient(http)
    status, body = await client.get("/openapi.json")  # public: no session needed
    await client.close()
    assert status == 200
    return body


async def test_every_table_route_is_documented_and_nothing_else(document) -> None:
    table = {(route.method.lower(), route.path) for route in ROUTES}
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert documented == table
    assert len(table) == len(ROUTES)  # no route declared twice


async def test_each_documented_operation_answers_on_the_server(http, document) -> None:
    """No documented path is a 404/405 from the dispatcher (a route the table forgot to serve)."""
    client = LegacyClient(http)
    try:
        for path, item in document["paths"].items():
            concrete = re.sub(r"\{[^}]+\}", "x", path)
            for method in item:
                status, body = await client.call(method.upper(), concrete)
                assert status != 405, (method, path, body)
                assert not (status == 404 and body["type"] == "not_found"
                            and "no such API path" in body["message"]), (method, path)
    finally:
        await client.close()


async def test_operations_carry_their_graphql_and_schemas_resolve(document) -> None:
    schemas = document["components"]["schemas"]
    text = str(document)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in schemas, name
    login = document["paths"]["/login"]["post"]
    assert "login(" in login["x-graphql"] and login["security"] == []
    body = schemas["RestLogin"]
    assert {"username", "password", "pwd"} <= set(body["properties"])
    assert "password" not in schemas["RestUser"]["properties"]


async def test_the_document_is_valid_openapi_3_1(document) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    assert document["openapi"] == "3.1.0"
    validator.validate(document)

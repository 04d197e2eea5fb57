"""Every bad input is a 4xx (issue 11): malformed UTF-8, deep JSON, non-object bodies, long paths,
oversized bodies, on every REST route with a body and on /graphql. Each was a 500 before."""
from __future__ import annotations

import pytest

from graph.bodies import MAX_BODY_BYTES, MAX_JSON_DEPTH, SMALL_BODY_BYTES
from graph.rest.routes import ROUTES
from tests.client import Caller

BODY_ROUTES = [route for route in ROUTES if route.body is not None]
INVALID_UTF8 = b'{"username": "\xff\xfe", "password": "\xc3("}'
DEEP = b"[" * 100_000 + b"]" * 100_000


def _url(route) -> str:
    path = route.path
    for name in route.path_params:
        path = path.replace("{" + name + "}", "x")
    return "/api/v1" + path


def test_every_route_with_a_body_is_covered() -> None:
    assert len(BODY_ROUTES) >= 13


@pytest.mark.parametrize("body", [INVALID_UTF8, DEEP], ids=["invalid-utf8", "100k-deep"])
async def test_rest_bodies_that_cannot_be_read_are_400_on_every_route(http, admin: Caller,
                                                                      body: bytes) -> None:
    for route in BODY_ROUTES:
        response = await http.request(route.method, _url(route), data=body, headers={
            **admin.headers, "Content-Type": "application/json"})
        answer = await response.json()
        if len(body) > route.max_body:  # login's small limit comes first
            assert response.status == 413, (route.name, answer)
            continue
        assert response.status == 400, (route.name, answer)
        assert answer["type"] == "bad_user_input"
        assert ("UTF-8" in answer["message"] if body is INVALID_UTF8
                else str(MAX_JSON_DEPTH) in answer["message"])


async def test_json_nested_just_within_the_limit_is_read(http, admin: Caller) -> None:
    # the depth check counts brackets, not strings that contain them
    nested = {"username": "x[[[[" * 100, "password": "y", "preferences": {"a": [[[[1]]]]}}
    status, body = await admin.rest("POST", "/users", json=nested)
    assert status == 400 and "username must be" in body["message"]  # read, then validated


@pytest.mark.parametrize("body", [b"[1]", b'"query"', b"3", b"null", b"true", DEEP, INVALID_UTF8])
async def test_graphql_refuses_bodies_that_are_not_a_json_object(http, body: bytes) -> None:
    response = await http.post("/graphql", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400, await response.text()


async def test_oversized_bodies_are_413_and_login_takes_a_small_one(http, admin: Caller) -> None:
    filler = "x" * SMALL_BODY_BYTES
    response = await http.post("/api/v1/login", json={"username": "admin", "password": filler})
    assert response.status == 413
    assert str(SMALL_BODY_BYTES) in (await response.json())["message"]

    async def chunks():  # chunked: no Content-Length to trust
        block = b" " * (1024 * 1024)
        for _ in range(MAX_BODY_BYTES // len(block) + 1):
            yield block

    for path in ("/api/v1/users", "/graphql"):
        response = await http.post(path, data=chunks(), headers={
            **admin.headers, "Content-Type": "application/json"})
        assert response.status == 413, path


async def test_a_declared_oversized_body_is_refused_before_it_is_read(http, admin: Caller) -> None:
    reader, writer = await _raw_connection(http)
    writer.write(b"POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 + f"Authorization: Bearer {admin.token}\r\n".encode()
                 + f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode())
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    assert b" 413 " in status_line


async def _raw_connection(http):
    import asyncio

    return await asyncio.open_connection(http.host, http.port)


LONG_SEGMENT = "a" * 300
LONG_PATH = "/".join(["b" * 200] * 25)  # every segment fine, 5,024 characters in all


@pytest.mark.parametrize("path, limit", [(LONG_SEGMENT + "/", "255"), (LONG_PATH, "4096")])
async def test_long_dataset_paths_are_400_with_the_limit(http, admin: Caller, path: str,
                                                         limit: str) -> None:
    status, body = await admin.rest("POST", "/datasets", json={"path": path, "data_type": "image"})
    assert status == 400 and limit in body["message"] and len(body["message"]) < 300
    status, body = await admin.rest("POST", "/tasks", json={
        "name": "t", "dataset": {"path": path, "data_type": "image"},
        "spec": {"plugin_name": "rectangle", "data_type": "image", "label_schema": {}}})
    assert status == 400 and limit in body["message"]
    failure = await admin.gql_error(
        "mutation C($input: CreateDatasetInput!) { createDataset(input: $input) { dataset { id } } }",
        {"input": {"path": path, "dataType": "IMAGE"}})
    assert failure.code == "BAD_USER_INPUT" and limit in failure.message
    status, body = await admin.rest("GET", "/tasks")
    assert status == 200 and body == []  # nothing half-written


async def test_long_media_names_are_400(http, admin: Caller) -> None:
    response = await http.get("/data/images/" + "n" * 300 + ".png", headers=admin.headers)
    assert response.status == 400
    assert "255" in (await response.json())["message"]
    response = await http.get("/data/" + "/".join(["d" * 100] * 45), headers=admin.headers)
    assert response.status == 400

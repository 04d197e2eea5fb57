"""CSRF (issue 11): the admin cookie plus a `text/plain` body from another origin created an admin.
Form content types are now 415 on both doors; cookie requests the browser marks as cross-site are
403; scripts (no such headers), Bearer callers and same-origin pages keep working."""
from __future__ import annotations

import pytest

from tests.client import Caller
from tests.workflow.gql import create_task, image_folder

ATTACK = b'{"username": "mallory", "password": "pwned-pwned", "role": "admin"}'
CREATE = """mutation { createUser(input: {username: "mallory", password: "pwned-pwned", role: ADMIN}) { username } }"""


def cookie(caller: Caller) -> dict[str, str]:
    return {"Cookie": f"token={caller.token}"}


async def users(admin: Caller) -> list[str]:
    return [u["username"] for u in (await admin.gql("{ users { nodes { username } } }"))["users"]["nodes"]]


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain;charset=UTF-8",
                                          "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
async def test_form_content_types_are_415_on_rest_and_graphql(http, admin: Caller,
                                                              content_type: str) -> None:
    response = await http.post("/api/v1/users", data=ATTACK,
                               headers={**cookie(admin), "Content-Type": content_type})
    assert response.status == 415
    assert (await response.json())["type"] == "unsupported_media_type"
    body = ('{"query": %s}' % __import__("json").dumps(CREATE)).encode()
    response = await http.post("/graphql", data=body,
                               headers={**cookie(admin), "Content-Type": content_type})
    assert response.status == 415
    assert (await response.json())["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert "mallory" not in await users(admin)


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"},
                                     {"Origin": "null"},
                                     {"Sec-Fetch-Site": "cross-site"},
                                     {"Sec-Fetch-Site": "same-site"}])
async def test_cross_site_cookie_requests_are_403_on_both_doors(http, admin: Caller,
                                                                headers: dict[str, str]) -> None:
    status = (await http.post("/api/v1/users", data=ATTACK, headers={
        **cookie(admin), **headers, "Content-Type": "application/json"})).status
    assert status == 403
    response = await http.post("/graphql", json={"query": CREATE},
                               headers={**cookie(admin), **headers})
    assert response.status == 403
    assert (await response.json())["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "mallory" not in await users(admin)


async def test_same_origin_pages_scripts_and_bearer_callers_keep_working(http, admin: Caller) -> None:
    same_origin = {"Origin": f"http://{http.host}:{http.port}", "Sec-Fetch-Site": "same-origin"}
    for i, headers in enumerate([{**cookie(admin), **same_origin},
                                 cookie(admin),  # an old script: neither header
                                 {**admin.headers, "Origin": "http://evil.example"}]):  # Bearer
        response = await http.post("/api/v1/users", headers=headers, json={
            "username": f"u{i}", "password": "password-1"})
        assert response.status == 201, headers
    # no Content-Type at all: read as JSON, as old scripts send it
    response = await http.post("/api/v1/users", headers=cookie(admin),
                               data=b'{"username": "u9", "password": "password-1"}',
                               skip_auto_headers=["Content-Type"])
    assert response.status == 201
    assert {"u0", "u1", "u2", "u9"} <= set(await users(admin))


async def test_legacy_state_changing_gets_are_same_origin_only(http, workspace, admin: Caller,
                                                               alice: Caller) -> None:
    image_folder(workspace, 2)
    await create_task(admin)
    cross = {**cookie(alice), "Sec-Fetch-Site": "cross-site"}
    response = await http.get("/api/v1/tasks/cars/jobs/next", headers=cross)
    assert response.status == 403
    response = await http.get("/api/v1/logout", headers=cross)
    assert response.status == 403
    assert (await alice.gql("{ me { username assignments { jobId } } }"))["me"] == {
        "username": "alice", "assignments": []}  # nothing was claimed, still logged in
    same = {**cookie(alice), "Sec-Fetch-Site": "same-origin"}
    response = await http.get("/api/v1/tasks/cars/jobs/next", headers=same)
    assert response.status == 200 and (await response.json())["data_id"]
    # a cross-site *read* is not refused (the browser's CORS keeps its answer from the page)
    response = await http.get("/api/v1/tasks", headers=cross)
    assert response.status == 200
    response = await http.get("/api/v1/logout", headers=same)
    assert response.status == 200
    assert (await http.get("/api/v1/profile", headers=cookie(alice))).status == 401

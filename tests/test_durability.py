"""A write acknowledged by the embedded engine survives SIGKILL of the server process."""
from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.serverproc import ServerProcess

PASSWORD = "durability-admin-pw"


def post_graphql(url: str, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"content-type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"{url}/graphql", data=json.dumps(
        {"query": query, "variables": variables}).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def login(url: str) -> str:
    body = post_graphql(url, "mutation($p: String!) { login(input: {username: \"admin\", password: $p}) { token } }",
                        {"p": PASSWORD})
    return body["data"]["login"]["token"]


def test_acknowledged_writes_survive_sigkill_and_restart(tmp_path: Path) -> None:
    env = {"PIXANO_ADMIN_PASSWORD": PASSWORD, "MONGODB_URI": ""}
    server = ServerProcess(tmp_path, env=env)
    try:
        server.wait_ready()
        token = login(server.url)
        created = []
        for index in range(25):
            body = post_graphql(server.url, "mutation($u: String!) { createUser(input: {username: $u, "
                                "password: \"pw\", preferences: {n: 1}}) { user { username } } }", {"u": f"user{index}"}, token)
            assert "errors" not in body, body
            created.append(f"user{index}")
        body = post_graphql(server.url, "mutation { updateUser(input: {username: \"user3\", preferences: {k: 42}}) "
                            "{ user { username } } }", {}, token)
        assert "errors" not in body, body
        server.kill()
    finally:
        server.stop()

    restarted = ServerProcess(tmp_path, env=env)
    try:
        restarted.wait_ready()
        token = login(restarted.url)  # the signing secret survived too
        users = post_graphql(restarted.url, "{ users { nodes { username preferences } } }", {}, token)["data"]["users"]["nodes"]
        names = {u["username"] for u in users}
        assert set(created) <= names
        assert next(u for u in users if u["username"] == "user3")["preferences"] == {"k": 42}
    finally:
        output = restarted.stop()
    assert "Traceback" not in output

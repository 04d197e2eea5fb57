"""First start: the admin account, the signing secret, and what the console shows."""
from __future__ import annotations

import re
import stat
from pathlib import Path

from graph.app import create_app
from graph.settings import Settings
from graph.services import SERVICES
from tests.client import LOGIN, Caller, login
from tests.serverproc import ServerProcess
from tests.test_durability import post_graphql


def test_generated_admin_password_is_printed_once_and_works(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, env={"PIXANO_ADMIN_PASSWORD": "", "MONGODB_URI": ""})
    try:
        server.wait_ready()
    finally:
        first_output = server.stop()
    password = re.search(r"password '([^']+)'", first_output).group(1)
    assert len(password) >= 12

    again = ServerProcess(tmp_path, env={"PIXANO_ADMIN_PASSWORD": "", "MONGODB_URI": ""})
    try:
        again.wait_ready()
        body = post_graphql(again.url, "mutation($p: String!) { login(input: {username: \"admin\", password: $p}) "
                            "{ user { role } } }", {"p": password})
        assert body["data"]["login"]["user"]["role"] == "ADMIN"
    finally:
        second_output = again.stop()
    assert password not in second_output  # shown once, never again


def test_secret_is_generated_private_and_distinct_per_workspace(tmp_path: Path) -> None:
    secrets = []
    for name in ("one", "two"):
        workspace = tmp_path / name
        workspace.mkdir()
        server = ServerProcess(workspace, env={"PIXANO_ADMIN_PASSWORD": "pw", "PIXANO_SECRET": "",
                                               "MONGODB_URI": ""})
        try:
            server.wait_ready()
        finally:
            server.stop()
        secret_file = workspace / ".pixano" / "secret"
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        secrets.append(secret_file.read_text())
    assert secrets[0] != secrets[1] and len(secrets[0]) >= 32


async def test_pixano_secret_signs_tokens_valid_across_instances(aiohttp_client, tmp_path: Path, clock) -> None:
    shared = "a-shared-secret-for-several-instances-0123456789"
    first = await aiohttp_client(create_app(Settings(workspace=tmp_path, secret=shared,
                                                     admin_password="pw", clock=clock)))
    caller = await login(first, "admin", "pw")
    assert not (tmp_path / ".pixano" / "secret").exists()
    # a second instance on the same database (sessions are bound to the account's record)
    second = await aiohttp_client(create_app(Settings(workspace=tmp_path, secret=shared,
                                                      admin_password="pw", clock=clock)))
    me = await Caller(second, token=caller.token).gql("{ me { username } }")
    assert me["me"]["username"] == "admin"
    other = await aiohttp_client(create_app(Settings(workspace=tmp_path, secret=shared[::-1],
                                                     admin_password="pw", clock=clock)))
    failure = await Caller(other, token=caller.token).gql_error("{ me { username } }")
    assert failure.code == "UNAUTHENTICATED"  # another secret: the token is not genuine there


async def test_unexpected_failures_are_masked_without_internals(http) -> None:
    await http.app[SERVICES].store.close()  # the database disappears under a running server
    body = await Caller(http).raw_gql(LOGIN, {"username": "admin", "password": "whatever"})
    assert body["errors"][0]["message"] == "Unexpected error."
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}  # nothing else
    text = str(body)
    assert "Traceback" not in text and "sqlite" not in text.lower() and "whatever" not in text

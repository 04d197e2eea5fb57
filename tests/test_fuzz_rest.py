"""Property-based fuzzing of every REST route with schemathesis, from GET /api/v1/openapi.json,
against a real server process, as an anonymous caller, a plain user and an admin.

Properties: no response is a server error (status >= 500), and a refused state-changing call
(status >= 400) leaves the workspace's visible state exactly as it was. Both valid (positive) and
invalid (negative) requests are generated. The example count per operation, mode and role is
small so `make test` stays fast; raise it for a longer run:

    PIXANO_FUZZ_EXAMPLES=200 .venv/bin/python -m pytest -q tests/test_fuzz_rest.py
"""
from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.files import make_images
from tests.serverproc import ServerProcess

EXAMPLES = int(os.environ.get("PIXANO_FUZZ_EXAMPLES", "2"))
ADMIN_PASSWORD = "fuzz-admin-password"
PASSWORD = "fuzz-user-password"
SPEC = {"plugin_name": "rectangle", "data_type": "image",
        "label_schema": {"category": [{"name": "car", "color": "green"}], "default": "car"}}


def _call(url: str, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + "/api/v1" + path, data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


def _token(url: str, username: str, password: str) -> str:
    body = json.dumps({"query": "mutation($u: String!, $p: String!) { login(input: {username: $u, "
                                "password: $p}) { token } }",
                       "variables": {"u": username, "p": password}}).encode()
    request = urllib.request.Request(url + "/graphql", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]["login"]["token"]


class Target:
    """The fuzzed server: a workspace with images and a task, and one token per role (plus an
    auditor admin who is never fuzzed with, to read the state)."""

    def __init__(self, url: str) -> None:
        self.url = url
        admin = _token(url, "admin", ADMIN_PASSWORD)
        for name, role in (("alice", "user"), ("auditor", "admin")):
            _call(url, "POST", "/users", admin, {"username": name, "password": PASSWORD, "role": role})
        _call(url, "POST", "/tasks", admin, {"name": "cars", "dataset": {"path": "images/"},
                                             "spec": SPEC})
        self.auditor = _token(url, "auditor", PASSWORD)
        self.tokens = {"anonymous": None, "user": _token(url, "alice", PASSWORD), "admin": admin}

    def state(self) -> dict[str, Any]:
        """Everything a refused call must not have changed, read by the auditor."""
        paths = ("/users", "/datasets", "/specs", "/tasks", "/tasks/cars/results?count=1000")
        state = {}
        for path in paths:
            try:
                state[path] = _call(self.url, "GET", path, self.auditor)
            except urllib.error.HTTPError as error:  # e.g. the task was deleted by a success
                state[path] = error.code
        return state


@pytest.fixture(scope="module")
def target(tmp_path_factory) -> Iterator[Target]:
    workspace: Path = tmp_path_factory.mktemp("fuzz")
    make_images(workspace / "images", [f"img{i}.jpg" for i in range(4)])
    server = ServerProcess(workspace, env={"PIXANO_ADMIN_PASSWORD": ADMIN_PASSWORD, "MONGODB_URI": "",
                                           # anonymous login fuzzing must not lock the test out
                                           "PIXANO_LOGIN_ADDRESS_FAILURES": "100000"})
    try:
        server.wait_ready()
        yield Target(server.url)
    finally:
        log = server.stop()
    assert "Traceback" not in log, log[-4000:]


def _schema(url: str) -> Any:
    with urllib.request.urlopen(url + "/api/v1/openapi.json", timeout=30) as response:
        return schemathesis.openapi.from_dict(json.loads(response.read()))


def label_of(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


@pytest.mark.parametrize("role", ["anonymous", "user", "admin"])
def test_fuzzed_rest_calls_never_fail_the_server_nor_half_change_state(target: Target,
                                                                       role: str) -> None:
    schema = _schema(target.url)
    token = target.tokens[role]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    session = requests.Session()
    failures: list[str] = []
    calls = 0
    known = target.state()

    def fuzz(operation: Any, mode: GenerationMode, changes_state: bool) -> None:
        """Hypothesis' cases of one operation in one mode, each call checked as it returns."""
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case: Any) -> None:
            nonlocal calls, known
            response = case.call(base_url=target.url + "/api/v1", session=session,
                                 headers={**(case.headers or {}), **headers}, timeout=30)
            calls += 1
            label = f"{role} {case.method} {case.formatted_path} ({mode.value})"
            if response.status_code >= 500:
                failures.append(f"{label}: {response.status_code} {response.text[:200]}")
            elif changes_state:
                # calls run one at a time: the state before this one is the state after the
                # last one, so each state-changing call costs one read of the state
                after = target.state()
                if response.status_code >= 400 and after != known:
                    failures.append(f"{label}: refused with {response.status_code} but the "
                                    "state changed")
                known = after

        check()

    for result in schema.get_all_operations():
        operation = result.ok()
        changes_state = operation.method.upper() != "GET" or operation.path in (
            "/logout", "/tasks/{task_name}/jobs/next")
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz(operation, mode, changes_state)
            except Unsatisfiable:  # nothing to make invalid (no parameter, no body)
                assert mode is GenerationMode.NEGATIVE, label_of(operation)
    assert calls > 0
    assert failures == [], "\n".join(failures[:20])

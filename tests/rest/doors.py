"""One case, every door: an action is described once for GraphQL and once for REST, and a test
parametrized over `DOORS` runs the same case through both and compares the outcome.

An outcome is the error code (None on success) and the value; for REST the code is read from the
body's `type` (`conflict` -> CONFLICT) and the HTTP status is kept so tests can check it too.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.client import Caller

DOORS = ("graphql", "rest")

STATUS_FOR_CODE = {"BAD_USER_INPUT": 400, "UNAUTHENTICATED": 401, "FORBIDDEN": 403,
                   "NOT_FOUND": 404, "CONFLICT": 409, "JOB_DENIED": 410}


@dataclass
class Outcome:
    code: str | None
    value: Any = None
    status: int | None = None  # REST only

    @property
    def ok(self) -> bool:
        return self.code is None


@dataclass(frozen=True)
class Action:
    """`graphql(**args)` -> (document, variables, field or dotted path into the data);
    `rest(**args)` -> (method, path, body)."""

    graphql: Callable[..., tuple[str, dict[str, Any], str]]
    rest: Callable[..., tuple[str, str, Any]]


async def perform(door: str, caller: Caller, action: Action, **args: Any) -> Outcome:
    if door == "graphql":
        document, variables, field = action.graphql(**args)
        body = await caller.raw_gql(document, variables)
        if body.get("errors"):
            return Outcome(code=(body["errors"][0].get("extensions") or {}).get("code"),
                           value=body["errors"][0]["message"])
        value = body["data"]
        for name in field.split("."):  # a payload's field: "nextJob.job"
            value = value[name]
        return Outcome(code=None, value=value)
    method, path, payload = action.rest(**args)
    kwargs = {} if payload is None else {"json": payload}
    status, body = await caller.rest(method, path, **kwargs)
    if status >= 400:
        assert isinstance(body, dict) and set(body) == {"type", "message"}, body
        return Outcome(code=body["type"].upper(), value=body["message"], status=status)
    return Outcome(code=None, value=body, status=status)


def expect(outcome: Outcome, code: str | None, rest_status: int | None = None) -> None:
    """The outcome has `code`; through REST, also the status the code maps to (or `rest_status`
    where the API document says otherwise, e.g. an existing user is a 400)."""
    assert outcome.code == code, outcome
    if outcome.status is not None and code is not None:
        assert outcome.status == (rest_status or STATUS_FOR_CODE[code]), outcome

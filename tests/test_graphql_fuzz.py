"""Property-based fuzzing of /graphql (issue 11): documents generated from the schema by
hypothesis-graphql, sent as anonymous, a plain user and an admin, never get a server error —
no status >= 500 and no masked "Unexpected error." in the answer.

Bounded example counts keep `make test` fast; `pytest -m fuzz` runs the long version
(`FUZZ_EXAMPLES` documents per caller and kind, default 300).
"""
from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from graph.schema import schema
from tests.client import Caller
from tests.files import make_images
from tests.workflow.gql import create_task

SHORT = 25
LONG = int(os.environ.get("FUZZ_EXAMPLES", "300"))
JSON_VALUES = st.one_of(st.integers(-10, 10).map(nodes.Int), st.text(max_size=8).map(nodes.String),
                        st.booleans().map(nodes.Boolean))


def documents(kind: str, count: int, seed: int) -> list[str]:
    """`count` documents of `kind` ("query" or "mutation") drawn from the schema, reproducibly."""
    strategy = (queries if kind == "query" else mutations)(str(schema), custom_scalars={"JSON": JSON_VALUES})
    drawn: list[str] = []

    @settings(max_examples=count, database=None, deadline=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(document: Any) -> None:
        drawn.append(str(document))

    collect()
    return drawn


async def _fuzz(callers: dict[str, Caller], count: int) -> None:
    failures = []
    for role, caller in callers.items():
        for kind in ("query", "mutation"):
            for document in documents(kind, count, seed=len(role)):
                response = await caller.http.post("/graphql", json={"query": document},
                                                  headers=caller.headers)
                text = await response.text()
                if response.status >= 500 or "Unexpected error." in text:
                    failures.append((role, response.status, document[:300], text[:300]))
    assert not failures, failures[:5]


@pytest.fixture
async def callers(anonymous: Caller, alice: Caller, admin: Caller, workspace) -> dict[str, Caller]:
    make_images(workspace / "images", [f"{i}.jpg" for i in range(3)])
    await create_task(admin)
    return {"anonymous": anonymous, "user": alice, "admin": admin}


async def test_generated_documents_never_get_a_server_error(callers: dict[str, Caller]) -> None:
    await _fuzz(callers, SHORT)


@pytest.mark.fuzz
async def test_generated_documents_never_get_a_server_error_long_run(callers: dict[str, Caller]) -> None:
    await _fuzz(callers, LONG)

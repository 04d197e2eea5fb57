"""Query cost limits: too-deep documents are refused before any resolver runs."""
from __future__ import annotations

from tests.client import Caller


def nested_type_query(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"ofType {{ {inner} }}"
    return f'{{ __type(name: "User") {{ {inner} }} }}'


async def test_too_deep_queries_are_refused_and_shallow_ones_run(admin: Caller) -> None:
    assert "__type" in await admin.gql(nested_type_query(5))
    failure = await admin.gql_error(nested_type_query(20))
    assert "exceeds maximum operation depth" in failure.message


async def test_depth_limit_applies_to_repeated_documents_too(admin: Caller) -> None:
    """The rule is built once and cached with the document: the second run must still refuse."""
    for _ in range(2):
        assert "maximum operation depth" in (await admin.gql_error(nested_type_query(20))).message

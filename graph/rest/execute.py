"""Running a REST route's GraphQL operation in-process, as the caller.

Documents are parsed and validated once, when the route table is imported; a request only
coerces its variables and executes, with the same Context (user, response for cookies, loaders)
a `/graphql` request would get. Failures become `RestError`s through one mapping.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

from graph.context import Context
from graph.errors import ApiError
from graph.execution import Prepared, execute_prepared, prepare, present_errors
from graph.rest.errors import RestError


@dataclass(frozen=True)
class Operation:
    """A route's GraphQL document, parsed and validated against the schema."""

    name: str
    source: str
    prepared: Prepared


def compile_operation(source: str, name: str) -> Operation:
    """Parse and validate `source` now; a route naming a missing field fails loudly at import."""
    prepared = prepare(source, introspection=True)
    if not isinstance(prepared, Prepared):
        raise ValueError(f"REST route {name!r}: its GraphQL document is invalid: "
                         + "; ".join(e.message for e in prepared))
    return Operation(name=name, source=source, prepared=prepared)


async def run(operation: Operation, variables: dict[str, Any], ctx: Context,
              conflict_status: int = 409) -> dict[str, Any]:
    """The operation's `data`, or a RestError for the first error it reported."""
    result = await execute_prepared(operation.prepared, ctx, variables)
    if result.errors:
        raise translate(result.errors, conflict_status)
    assert result.data is not None
    return result.data


def translate(errors: list[GraphQLError], conflict_status: int) -> RestError:
    """ApiError -> its status; a variable the schema refuses -> 400; anything else -> 500."""
    error = errors[0]
    original = error.original_error
    if isinstance(original, ApiError):
        refused = RestError.from_code(original.code.value, original.message, conflict_status)
        if "retryAfter" in (original.extensions or {}):
            refused.headers["Retry-After"] = str(original.extensions["retryAfter"])
        return refused
    if error.path is None:
        # No path: raised before execution, while coercing the variables (a wrong type).
        return RestError.bad_input(error.message)
    present_errors(errors)  # logs the unexpected failure; the client gets a bare 500
    return RestError.internal()

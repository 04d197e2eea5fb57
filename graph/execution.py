"""Running a GraphQL operation in-process, as a caller: the one path every door takes.

`/graphql` (Strawberry's aiohttp view), every REST route and, later, operations arriving over a
WebSocket all run through Strawberry's public `Schema.execute`, so the same extensions apply to
each (`graph/schema.py`): the size, shape and cost limits, the introspection policy and the
document cache of `graph/guard.py`, error masking and logging. `run_operation` is that call for
callers that are not the HTTP view.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graph.context import Context
from graph.errors import ErrorCode
from graph.schema import schema

QUERIES_AND_MUTATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})


async def run_operation(query: str, ctx: Context, variables: dict[str, Any] | None = None,
                        operation_name: str | None = None,
                        allowed: Iterable[OperationType] = QUERIES_AND_MUTATIONS) -> ExecutionResult:
    """Execute `query` as `ctx.user`; what the client may see (masked errors included).

    A document whose operation cannot be picked (unknown or ambiguous name, a type `allowed`
    excludes, no query at all) answers one GraphQL error instead of raising."""
    try:
        return await schema.execute(query, variable_values=variables, context_value=ctx,
                                    operation_name=operation_name, allowed_operation_types=allowed)
    except CannotGetOperationTypeError as exc:
        message = exc.as_http_error_reason()
    except InvalidOperationTypeError as exc:
        message = f"{exc.operation_type.value} operations are not allowed here"
    except MissingQueryError:
        message = "No GraphQL query found in the request"
    return ExecutionResult(data=None, errors=[GraphQLError(
        message, extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value})])

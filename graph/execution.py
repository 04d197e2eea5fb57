"""Running a GraphQL operation in-process, as a caller: the one path every door takes.

`/graphql` (Strawberry's aiohttp view), every REST route and, later, operations arriving over a
WebSocket all run through Strawberry's public `Schema.execute`, so the same extensions apply to
each (`graph/schema.py`): the size, shape and cost limits, the introspection policy and the
document cache of `graph/guard.py`, error masking and logging. `run_operation` is that call for
callers that are not the HTTP view.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from graph.context import Context
from graph.errors import ErrorCode, with_code
from graph.guard import coded
from graph.schema import schema

QUERIES_AND_MUTATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})
ANY_OPERATION = frozenset({*QUERIES_AND_MUTATIONS, OperationType.SUBSCRIPTION})


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
    return ExecutionResult(data=None, errors=[unpicked(message)])


@dataclass(frozen=True)
class Refused:
    """An operation that did not start (it did not parse, validate or fit the limits, or its
    operation could not be picked): the errors a client may see."""

    errors: list[GraphQLError]


async def stream_operation(query: str, ctx: Context, variables: dict[str, Any] | None = None,
                           operation_name: str | None = None,
                           ) -> AsyncIterator[ExecutionResult | Refused]:
    """Any operation, for a streaming door (the WebSocket), through Strawberry's public
    `Schema.stream` and so through the same extensions as `Schema.execute`: one `Refused`; or
    the result of a query or mutation; or a subscription's results, one per event, until it is
    closed. Every result's unexpected errors are masked, as over HTTP (the guard masks a result
    once its operation is over, which for a subscription is its end)."""
    try:
        stream = await schema.stream(query, variable_values=variables, context_value=ctx,
                                     operation_name=operation_name,
                                     allowed_operation_types=ANY_OPERATION)
    except CannotGetOperationTypeError as exc:
        yield Refused([unpicked(exc.as_http_error_reason())])
        return
    except MissingQueryError:
        yield Refused([unpicked("No GraphQL query found in the request")])
        return
    try:
        async for item in stream:
            if isinstance(item, PreExecutionError):
                yield Refused([with_code(e, ErrorCode.GRAPHQL_VALIDATION_FAILED)
                               for e in item.errors or ()])
                return
            if not isinstance(item, ExecutionResult):  # an incremental (@defer/@stream) frame:
                raise TypeError("incremental execution is not enabled")  # the schema has none
            yield ExecutionResult(data=item.data, errors=mask(item.errors),
                                  extensions=item.extensions)
    except GraphQLError as error:  # a refusal raised by an extension hook while streaming
        yield Refused(mask([error]) or [])
    finally:
        await stream.aclose()


def mask(errors: list[GraphQLError] | None) -> list[GraphQLError] | None:
    """Errors as a client sees them: unexpected ones masked, each with an `extensions.code`."""
    return [coded(e) for e in errors] if errors else None


def unpicked(message: str) -> GraphQLError:
    """The error for a document whose operation cannot be picked."""
    return GraphQLError(message, extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value})

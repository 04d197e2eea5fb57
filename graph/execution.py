"""Running a GraphQL operation in-process: the one path both doors use.

`/graphql` and every REST route execute through here, so the size limit, the introspection policy,
the logging of unexpected failures and their masking are applied once, the same way for both.
A document is parsed and validated once per (text, introspection policy) and cached; a request
then only coerces its variables and executes. (Strawberry's `Schema.execute` would re-enter its
caches and run each extension's hooks around every request: GraphQL nextJob took ~130 µs
in-process that way, ~60 µs here.)
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from inspect import isawaitable
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    execute,
    parse,
    subscribe,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule, specified_rules
from strawberry.types.graphql import OperationType

from graph.context import Context
from graph.errors import should_mask
from graph.schema import schema

log = logging.getLogger("pixano_graph")

#: Documents longer than this many tokens are refused before they are fully parsed.
MAX_TOKENS = 20000
UNEXPECTED = "Unexpected error."


@dataclass(frozen=True)
class Prepared:
    """A parsed document, valid against the schema, with the type of each of its operations."""

    document: DocumentNode
    operations: Mapping[str | None, OperationType]

    def operation_type(self, name: str | None) -> OperationType | None:
        """The type of the operation `name` selects; None when unknown or ambiguous."""
        if name is None:
            return next(iter(self.operations.values())) if len(self.operations) == 1 else None
        return self.operations.get(name)


def may_introspect(ctx: Context) -> bool:
    """Introspection is for admins (GraphiQL needs it), for everyone only when configured."""
    return ctx.is_admin or ctx.settings.public_introspection


@lru_cache(maxsize=1024)
def prepare(query: str, introspection: bool) -> Prepared | tuple[GraphQLError, ...]:
    """`query` parsed and validated, or the errors that say why it cannot run. Pure: cached."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError as error:
        return (error,)
    rules = specified_rules if introspection else (*specified_rules, NoSchemaIntrospectionCustomRule)
    errors = validate(schema._schema, document, rules)
    if errors:
        return tuple(errors)
    operations = {(d.name.value if d.name else None): OperationType(d.operation.value)
                  for d in document.definitions if isinstance(d, OperationDefinitionNode)}
    return Prepared(document, operations)


async def execute_prepared(prepared: Prepared, ctx: Context, variables: dict[str, Any] | None,
                           operation_name: str | None = None) -> ExecutionResult:
    """Execute as the caller; errors are returned raw (see `present_errors`)."""
    result = execute(schema._schema, prepared.document, context_value=ctx,
                     variable_values=variables, operation_name=operation_name,
                     executor_class=schema.execution_context_class)
    if isawaitable(result):
        result = await result
    return result


@dataclass(frozen=True)
class Refused:
    """An operation that did not start (it did not parse, validate, fit the limits, or its
    subscription could not begin): the errors a client may see."""

    errors: list[GraphQLError]


async def stream_operation(query: str, ctx: Context, variables: dict[str, Any] | None,
                           operation_name: str | None = None,
                           ) -> AsyncIterator[ExecutionResult | Refused]:
    """Any operation, for a streaming door (the WebSocket): one `Refused`; or the result of a
    query or mutation; or a subscription's results, one per event, until it is closed. Errors
    are presented (masked) as over HTTP."""
    prepared = prepare(query, may_introspect(ctx))
    if not isinstance(prepared, Prepared):
        yield Refused(present_errors(list(prepared)))
        return
    kind = prepared.operation_type(operation_name)
    if kind is None:
        yield Refused([GraphQLError(f"Unknown operation named {operation_name!r}"
                                    if operation_name else
                                    "Must provide operationName when the document has several")])
        return
    if kind is not OperationType.SUBSCRIPTION:
        result = await execute_prepared(prepared, ctx, variables, operation_name)
        yield ExecutionResult(result.data, present_errors(result.errors) or None)
        return
    stream = subscribe(schema._schema, prepared.document, context_value=ctx,
                       variable_values=variables, operation_name=operation_name,
                       executor_class=schema.execution_context_class)
    if isawaitable(stream):
        stream = await stream
    if isinstance(stream, ExecutionResult):
        yield Refused(present_errors(stream.errors))
        return
    try:
        async for result in stream:
            yield ExecutionResult(result.data, present_errors(result.errors) or None)
    finally:
        await stream.aclose()


def present_errors(errors: list[GraphQLError] | None) -> list[GraphQLError]:
    """What a client may see: our ApiErrors and GraphQL's own errors verbatim; anything else is
    logged with its traceback and replaced by a bare "Unexpected error." (no internals leak)."""
    shown = []
    for error in errors or ():
        if should_mask(error):
            log.error("unexpected error in %s", error.path, exc_info=error.original_error)
            error = GraphQLError(UNEXPECTED, nodes=error.nodes, path=error.path)
        shown.append(error)
    return shown

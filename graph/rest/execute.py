"""Running a REST route's GraphQL operation in-process, as the caller.

Documents are parsed and validated once, when the route table is imported; a request only
coerces its variables and executes, with the same Context (user, response for cookies, loaders)
a `/graphql` request would get. Failures become `RestError`s through one mapping.
"""
from __future__ import annotations

from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

from graphql import DocumentNode, GraphQLError, execute, parse, validate

from graph.context import Context
from graph.errors import ApiError
from graph.rest.errors import RestError
from graph.schema import schema, schema_for


@dataclass(frozen=True)
class Operation:
    """A parsed, schema-validated GraphQL document."""

    name: str
    source: str
    document: DocumentNode


def compile_operation(source: str, name: str) -> Operation:
    """Parse and validate `source` now; a route naming a missing field fails loudly at import."""
    document = parse(source)
    errors = validate(schema._schema, document)
    if errors:
        raise ValueError(f"REST route {name!r}: its GraphQL document is invalid: "
                         + "; ".join(e.message for e in errors))
    return Operation(name=name, source=source, document=document)


async def run(operation: Operation, variables: dict[str, Any], ctx: Context,
              conflict_status: int = 409) -> dict[str, Any]:
    """The operation's `data`, or a RestError for the first error it reported."""
    selected = schema_for(ctx.is_admin, ctx.settings.public_introspection)
    result = execute(selected._schema, operation.document, context_value=ctx,
                     variable_values=variables, executor_class=selected.execution_context_class)
    if isawaitable(result):
        result = await result
    if result.errors:
        raise translate(result.errors, selected, conflict_status)
    assert result.data is not None
    return result.data


def translate(errors: list[GraphQLError], selected: Any, conflict_status: int) -> RestError:
    """ApiError -> its status; a variable the schema refuses -> 400; anything else -> 500."""
    error = errors[0]
    original = error.original_error
    if isinstance(original, ApiError):
        return RestError.from_code(original.code.value, original.message, conflict_status)
    if error.path is None:
        # No path: raised before execution, while coercing the variables (a wrong type).
        return RestError.bad_input(error.message)
    selected.process_errors([e for e in errors if not isinstance(e.original_error, ApiError)])
    return RestError.internal()

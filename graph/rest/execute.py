"""Running a REST route's GraphQL operation in-process, as the caller.

Documents are checked against the schema when the route table is imported (a route naming a
missing field fails to import); a request runs through `graph.execution.run_operation`, the path
`/graphql` takes (limits, document cache, masking), with the same Context (user, response for
cookies, loaders) a `/graphql` request would get. Failures become `RestError`s through one mapping.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)

from graph.context import Context
from graph.errors import ApiError
from graph.execution import run_operation
from graph.guard import type_schema
from graph.rest.errors import RestError
from graph.schema import schema


@dataclass(frozen=True)
class Operation:
    """A route's GraphQL document, valid against the schema (`document`: its syntax tree, for the
    generated docs; requests run `source` through the document cache)."""

    name: str
    source: str
    document: DocumentNode

    @property
    def is_mutation(self) -> bool:
        """Whether the route changes state (a mutation), whatever its HTTP method."""
        return any(isinstance(d, OperationDefinitionNode) and d.operation is OperationType.MUTATION
                   for d in self.document.definitions)


def compile_operation(source: str, name: str) -> Operation:
    """Parse and validate `source` now; a route naming a missing field fails loudly at import."""
    document = parse(source)
    errors = validate(type_schema(schema), document)
    if errors:
        raise ValueError(f"REST route {name!r}: its GraphQL document is invalid: "
                         + "; ".join(e.message for e in errors))
    return Operation(name=name, source=source, document=document)


async def run(operation: Operation, variables: dict[str, Any], ctx: Context,
              conflict_status: int = 409) -> dict[str, Any]:
    """The operation's `data`, or a RestError for the first error it reported."""
    result = await run_operation(operation.source, ctx, variables)
    if result.errors:
        raise translate(result.errors, conflict_status)
    assert result.data is not None
    return result.data


def translate(errors: list[GraphQLError], conflict_status: int) -> RestError:
    """ApiError -> its status; a variable the schema refuses -> 400; anything else -> 500."""
    error = errors[0]
    refused = error if isinstance(error, ApiError) else error.original_error
    if isinstance(refused, ApiError):  # from a resolver, or a limit refused before execution
        answer = RestError.from_code(refused.code.value, refused.message, conflict_status)
        extensions = refused.extensions or {}
        if "retryAfter" in extensions:
            answer.headers["Retry-After"] = str(extensions["retryAfter"])
        return answer
    if error.path is None:
        # No path: raised before execution, while coercing the variables (a wrong type).
        return RestError.bad_input(error.message)
    return RestError.internal()  # masked and logged by the schema's extensions

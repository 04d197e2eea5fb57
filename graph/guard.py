"""The schema extension every operation runs through: limits, introspection policy, document cache.

Strawberry runs `OperationGuard` (a public `SchemaExtension`) inside `Schema.execute`, whichever
door the operation came through (`/graphql`, a REST route, later a WebSocket). Before parsing it
refuses a document over `max_document_bytes`; after parsing, and before validation, it measures the
document (`graph.limits`) and refuses it when its cost for this caller's variables is over the
caller's budget, or when it has too many aliases, repeated fields, levels or root mutation fields;
validation runs with the introspection rule for callers who may not introspect.

Documents that parsed, passed the limits and validated are cached (keyed by text and
introspection policy) with their cost plan, in an LRU bounded by bytes of text: a request for a
cached document skips parsing and validation (`execution_context.graphql_document` set before the
parse step, `pre_execution_errors` set to an empty list so the validation step is skipped: the way the
parser and validation cache extensions do it). Failures are never cached, for anyone.

It also masks unexpected errors (anything but our ApiErrors and GraphQL's own errors) as
"Unexpected error." once the operation is over; the schema's `process_errors` has logged them.
And it gives every error an `extensions.code` (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
BAD_USER_INPUT for refused variables, INTERNAL_SERVER_ERROR), so clients need one error path.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from threading import Lock
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    parse,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import PreExecutionError

from graph.errors import ApiError, ErrorCode, should_mask, with_code
from graph.limits import CostPlan, evaluate, measure_shape, plan_cost
from graph.settings import GraphQLLimits

log = logging.getLogger("pixano_graph")
UNEXPECTED = "Unexpected error."
#: Tokens of a document, refused while parsing (the byte limit usually comes first).
MAX_TOKENS = 20_000
#: Bytes of document text the cache may hold. A parsed document takes about 70 times its text
#: (measured with tracemalloc on the REST routes' documents), so ~70 MB at most, shared by every
#: caller; the REST documents are ~30 KB of text in all.
CACHE_TEXT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Prepared:
    """A document that parsed, passed the limits and validated, with each operation's cost plan."""

    document: DocumentNode
    plans: dict[str | None, CostPlan]


class DocumentCache:
    """An LRU of prepared documents, bounded by the bytes of their text (and so of their trees)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[tuple[str, bool], tuple[Prepared, int]] = OrderedDict()
        self._lock = Lock()  # `serve --workers` may run threads; cheap when uncontended

    def get(self, key: tuple[str, bool]) -> Prepared | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: tuple[str, bool], prepared: Prepared) -> None:
        size = len(key[0].encode("utf-8"))
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (prepared, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.bytes -= evicted

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0


DOCUMENTS = DocumentCache(CACHE_TEXT_BYTES)


@cache
def type_schema(schema: Any) -> GraphQLSchema:
    """The types of a Strawberry schema, rebuilt from its SDL (public API), once per schema:
    what cost plans read and REST routes are checked against at import."""
    return build_schema(str(schema))


def may_introspect(ctx: Any) -> bool:
    """Introspection is for admins (GraphiQL needs it), for everyone only when configured."""
    return bool(ctx.is_admin or ctx.settings.public_introspection)


def _refuse(code: ErrorCode, message: str, **details: Any) -> ApiError:
    return ApiError(code, message, **details)


def check_shape(document: DocumentNode, limits: GraphQLLimits) -> None:
    """QUERY_LIMIT_EXCEEDED when the document is too large a shape to validate cheaply."""
    try:
        shape = measure_shape(document)
    except RecursionError:
        raise _refuse(ErrorCode.QUERY_LIMIT_EXCEEDED, "the document is nested too deeply",
                      limit="depth", maximum=limits.max_depth) from None
    for name, found, maximum, what in (
            ("aliases", shape.aliases, limits.max_aliases, "aliases"),
            ("repeatedFields", shape.repeated_fields, limits.max_repeated_fields,
             "fields repeated under the same name"),
            ("depth", shape.depth, limits.max_depth, "levels of nested fields"),
            ("rootMutations", shape.root_mutations, limits.max_root_mutations,
             "root fields in one mutation")):
        if found > maximum:
            raise _refuse(ErrorCode.QUERY_LIMIT_EXCEEDED,
                          f"the document has {found} {what}; at most {maximum} are allowed",
                          limit=name, maximum=maximum, found=found)


def cost_plans(schema: GraphQLSchema, document: DocumentNode) -> dict[str | None, CostPlan]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    plans: dict[str | None, CostPlan] = {}
    for operation in operations:
        plans[operation.name.value if operation.name else None] = plan_cost(schema, document, operation)
    if len(operations) == 1:
        plans[None] = plans[next(iter(plans))]
    return plans


def check_cost(plans: dict[str | None, CostPlan], operation_name: str | None,
               variables: dict[str, Any] | None, limits: GraphQLLimits, is_admin: bool) -> int:
    """The operation's cost; COST_LIMIT_EXCEEDED over the budget, BAD_USER_INPUT for a page size
    over the maximum. An unknown operation costs nothing here: Strawberry refuses it next."""
    plan = plans.get(operation_name)
    if plan is None:
        return 0
    cost, oversized = evaluate(plan, variables)
    budget = limits.budget(is_admin)
    if cost > budget:
        raise _refuse(ErrorCode.COST_LIMIT_EXCEEDED,
                      f"the operation would cost {cost}, over your budget of {budget} (see "
                      "docs/security.md: smaller pages, fewer aliases or fewer thumbnails)",
                      cost=cost, budget=budget)
    if oversized:
        raise _refuse(ErrorCode.BAD_USER_INPUT, oversized[0])
    return cost


class OperationGuard(SchemaExtension):
    """Per operation: the limits, the introspection policy, the document cache and the masking of
    unexpected errors (see the module). Two hooks only: each hook Strawberry runs costs a few µs
    on every request."""

    # Set by on_parse for a document not yet cached: cached once it has validated.
    _fresh: tuple[tuple[str, bool], Prepared] | None = None

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = context.result
        if result is None:
            return
        if self._fresh is not None and not isinstance(result, PreExecutionError):
            DOCUMENTS.put(*self._fresh)  # it validated: it reached execution
        if result.errors:
            if isinstance(result, PreExecutionError):
                code = (ErrorCode.GRAPHQL_PARSE_FAILED if context.graphql_document is None
                        else ErrorCode.GRAPHQL_VALIDATION_FAILED)
                result.errors = [with_code(e, code) for e in result.errors]
            else:
                result.errors = [coded(e) for e in result.errors]

    def on_parse(self) -> Iterator[None]:
        try:
            self._prepare()
        except GraphQLError:
            raise
        except Exception:  # a bug of ours: logged, and never shown (no result to mask yet)
            log.exception("unexpected error while preparing a GraphQL document")
            raise GraphQLError(UNEXPECTED,
                               extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value}) from None
        yield

    def _prepare(self) -> None:
        context = self.execution_context
        ctx = context.context
        limits: GraphQLLimits = ctx.settings.graphql
        query = context.query or ""
        key = (query, may_introspect(ctx))
        prepared = DOCUMENTS.get(key)
        if prepared is not None:
            check_cost(prepared.plans, context.operation_name, context.variables, limits, ctx.is_admin)
            context.graphql_document = prepared.document
            context.pre_execution_errors = []  # validated when it was cached: skip validation
            return
        if not query:
            return  # Strawberry answers "No GraphQL query found"
        size = len(query.encode("utf-8")) if len(query) * 4 > limits.max_document_bytes else len(query)
        if size > limits.max_document_bytes:
            raise _refuse(ErrorCode.DOCUMENT_TOO_LARGE,
                          f"the document is {size} bytes; at most {limits.max_document_bytes} "
                          "are allowed", maximum=limits.max_document_bytes, size=size)
        try:
            document = parse(query, max_tokens=MAX_TOKENS)
        except GraphQLError as error:
            if "token" in error.message:
                raise _refuse(ErrorCode.DOCUMENT_TOO_LARGE, f"the document has more than "
                              f"{MAX_TOKENS} tokens", maximum=MAX_TOKENS) from None
            raise with_code(error, ErrorCode.GRAPHQL_PARSE_FAILED) from None
        except RecursionError:  # graphql-core 3.3.0 has no nesting guard of its own
            raise _refuse(ErrorCode.QUERY_LIMIT_EXCEEDED, "the document is nested too deeply",
                          limit="depth", maximum=limits.max_depth) from None
        try:
            plans = cost_plans(type_schema(context.schema), document)
        except RecursionError:  # fragments spreading fragments thousands deep
            raise _refuse(ErrorCode.QUERY_LIMIT_EXCEEDED, "the document is nested too deeply",
                          limit="depth", maximum=limits.max_depth) from None
        check_cost(plans, context.operation_name, context.variables, limits, ctx.is_admin)
        check_shape(document, limits)
        context.graphql_document = document
        if not key[1]:
            context.validation_rules = (*context.validation_rules, NoSchemaIntrospectionCustomRule)
        self._fresh = (key, Prepared(document, plans))


def mask(error: GraphQLError) -> GraphQLError:
    """What a client sees of an unexpected failure (logged by the schema's `process_errors`)."""
    return GraphQLError(UNEXPECTED, nodes=error.nodes, path=error.path,
                        extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value})


def coded(error: GraphQLError) -> GraphQLError:
    """An execution error as a client sees it, always with an `extensions.code`: unexpected ones
    masked; one without a path is a variable the schema refused (BAD_USER_INPUT); graphql-core's
    own check of a value we returned is ours to fix, not the caller's (INTERNAL_SERVER_ERROR)."""
    if should_mask(error):
        return mask(error)
    if error.path is None:
        return with_code(error, ErrorCode.BAD_USER_INPUT)
    return with_code(error, ErrorCode.INTERNAL_SERVER_ERROR)

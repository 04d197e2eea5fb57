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
parse step, `pre_execution_errors` set to none before the validation step: the documented way the
parser and validation cache extensions do it). Failures are never cached, for anyone.
"""
from __future__ import annotations

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

from graph.errors import ApiError, ErrorCode
from graph.limits import CostPlan, evaluate, measure_shape, plan_cost
from graph.settings import GraphQLLimits

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
        self._entries: OrderedDict[tuple[str, bool], Prepared] = OrderedDict()
        self._lock = Lock()  # `serve --workers` may run threads; cheap when uncontended

    def get(self, key: tuple[str, bool]) -> Prepared | None:
        entry = self._entries.get(key)
        if entry is not None:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple[str, bool], entry: Prepared) -> None:
        size = len(key[0])
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self.bytes += size
            while self.bytes > self.max_bytes:
                old, _ = self._entries.popitem(last=False)
                self.bytes -= len(old[0])

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
    """Per operation: the limits, the introspection policy and the document cache (see module)."""

    def __init__(self) -> None:
        self._key: tuple[str, bool] | None = None
        self._prepared: Prepared | None = None
        self._plans: dict[str | None, CostPlan] | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        ctx = context.context
        limits: GraphQLLimits = ctx.settings.graphql
        query = context.query or ""
        introspection = may_introspect(ctx)
        self._key = (query, introspection)
        self._prepared = DOCUMENTS.get(self._key)
        if self._prepared is not None:
            context.graphql_document = self._prepared.document
            check_cost(self._prepared.plans, context.operation_name, context.variables, limits,
                       ctx.is_admin)
        elif query:
            size = len(query.encode("utf-8")) if len(query) * 4 > limits.max_document_bytes else len(query)
            if size > limits.max_document_bytes:
                raise _refuse(ErrorCode.DOCUMENT_TOO_LARGE,
                              f"the document is {size} bytes; at most {limits.max_document_bytes} "
                              "are allowed", maximum=limits.max_document_bytes, size=size)
            try:
                document = parse(query, max_tokens=MAX_TOKENS)
            except GraphQLError as error:
                if "token" in error.message:
                    raise _refuse(ErrorCode.DOCUMENT_TOO_LARGE,
                                  f"the document has more than {MAX_TOKENS} tokens",
                                  maximum=MAX_TOKENS) from None
                raise
            except RecursionError:
                raise _refuse(ErrorCode.QUERY_LIMIT_EXCEEDED, "the document is nested too deeply",
                              limit="depth", maximum=limits.max_depth) from None
            self._plans = cost_plans(type_schema(context.schema), document)
            check_cost(self._plans, context.operation_name, context.variables, limits, ctx.is_admin)
            check_shape(document, limits)
            context.graphql_document = document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if self._prepared is not None:
            context.pre_execution_errors = []  # validated when it was cached
            yield
            return
        assert self._key is not None
        if not self._key[1]:
            context.validation_rules = (*context.validation_rules, NoSchemaIntrospectionCustomRule)
        yield
        if not context.pre_execution_errors and context.graphql_document is not None \
                and self._plans is not None:
            DOCUMENTS.put(self._key, Prepared(context.graphql_document, self._plans))

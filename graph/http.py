"""The GraphQL endpoint and the health check.

`/graphql`: POST runs operations (as the session's user); GET shows GraphiQL, to admins only.
Queries over GET are refused so a link can never trigger an operation with someone's cookie.
"""
from __future__ import annotations

import html
from pathlib import Path
from functools import lru_cache
from inspect import isawaitable
from typing import Any

from aiohttp import web
from strawberry.aiohttp.views import GraphQLView
from strawberry.exceptions import MissingQueryError
from cross_web import HTTPException
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, execute, parse, validate
from graphql.validation import NoSchemaIntrospectionCustomRule, specified_rules
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graph.context import Context
from graph.errors import should_mask
from graph.graphiql import graphiql_page
from graph.schema import MAX_TOKENS, schema, schema_for, schema_without_introspection
from graph.services import SERVICES
from graph.session import current_user


LOGIN_TEMPLATE = (Path(__file__).parent / "templates" / "login.html").read_text(encoding="utf-8")


def _login_page(status: int, message: str) -> web.Response:
    """A self-contained page (no external asset) whose form logs in through /api/v1/login."""
    return web.Response(status=status, content_type="text/html",
                        text=LOGIN_TEMPLATE.replace("{message}", message))


class PixanoGraphQLView(GraphQLView):
    def __init__(self) -> None:
        super().__init__(schema=schema, graphql_ide="graphiql", allow_queries_via_get=False)

    def is_websocket_request(self, request: web.Request) -> bool:  # type: ignore[override]
        """Only a request asking for an upgrade can be one: Strawberry's own test builds a
        WebSocketResponse, twice per request, for every plain POST."""
        return "Upgrade" in request.headers and super().is_websocket_request(request)

    async def get_context(self, request: web.Request, response: web.StreamResponse) -> Context:  # type: ignore[override]
        return Context(services=request.app[SERVICES], response=response,
                       user=current_user(request), request=request)

    async def render_graphql_ide(self, request: web.Request) -> web.Response:
        """GraphiQL for admins; everyone else gets a login form (401) or a refusal with one (403)."""
        user = current_user(request)
        if user is None:
            return _login_page(401, "GraphiQL is for administrators: log in with an admin account.")
        if user["role"] != "admin":
            return _login_page(403, f"You are logged in as {html.escape(user['username'])}: GraphiQL "
                                    "is reserved to administrators. Log in with an admin account.")
        return web.Response(text=graphiql_page(), content_type="text/html")

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any,  # type: ignore[override]
                             context: Context, root_value: Any, request_data: Any) -> Any:
        """As Strawberry's, but with the schema this caller may introspect."""
        selected = schema_for(context.is_admin, context.settings.public_introspection)
        allowed = OperationType.from_http(request_adapter.method)
        if request_adapter.method == "GET":
            allowed = allowed - {OperationType.QUERY}
        fast = _operation(selected, request_data.query, request_data.operation_name)
        if fast is not None and fast[1] in allowed:
            return await _execute_prepared(selected, fast[0], context, root_value, request_data)
        try:
            return await selected.execute(
                request_data.query, root_value=root_value, variable_values=request_data.variables,
                context_value=context, operation_name=request_data.operation_name,
                allowed_operation_types=allowed, operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason()) from exc
        except InvalidOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason(request_adapter.method)) from exc
        except MissingQueryError as exc:
            raise HTTPException(400, "No GraphQL query found in the request") from exc


#: The extension's own masking, applied by the prepared path exactly as the schema applies it.
_MASK = MaskErrors(should_mask_error=should_mask)


@lru_cache(maxsize=1024)
def _prepared(selected: Any, query: str) -> tuple[DocumentNode, dict[str | None, OperationType]] | None:
    """`query` parsed (within the token limit) and validated against `selected` with the rules
    its extensions add, with the type of each named operation; None when it fails either, so
    the regular path reports the errors. A pure function of (schema, document): cached."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return None
    rules = [*specified_rules]
    if selected is schema_without_introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    if validate(selected._schema, document, rules):
        return None
    operations = {(d.name.value if d.name else None): OperationType(d.operation.value)
                  for d in document.definitions if isinstance(d, OperationDefinitionNode)}
    return document, operations


def _operation(selected: Any, query: str | None,
               name: str | None) -> tuple[DocumentNode, OperationType] | None:
    """The valid document and the type of the operation to run, when that is unambiguous."""
    if not query:
        return None
    prepared = _prepared(selected, query)
    if prepared is None:
        return None
    document, operations = prepared
    if name is None:
        return (document, next(iter(operations.values()))) if len(operations) == 1 else None
    return (document, operations[name]) if name in operations else None


async def _execute_prepared(selected: Any, document: DocumentNode, context: Context,
                            root_value: Any, request_data: Any) -> ExecutionResult:
    """Run a cached, valid document as the REST layer does (graph/rest/execute.py): Strawberry's
    `Schema.execute` would parse and validate through its caches and run four extensions' hooks
    around it, ~70 µs a request in-process (GraphQL nextJob: ~130 -> ~60 µs). Errors are logged
    and masked exactly as the schema's `process_errors` and MaskErrors extension do."""
    result = execute(selected._schema, document, root_value=root_value, context_value=context,
                     variable_values=request_data.variables,
                     operation_name=request_data.operation_name,
                     executor_class=selected.execution_context_class)
    if isawaitable(result):
        result = await result
    errors = result.errors
    if errors:
        selected.process_errors(errors)
        errors = [_MASK.anonymise_error(e) if should_mask(e) else e for e in errors]
    return ExecutionResult(data=result.data, errors=errors or None)


async def healthz(request: web.Request) -> web.Response:
    """Liveness and store state, for load balancers and `make run` users."""
    try:
        store = await request.app[SERVICES].store.health()
    except Exception as exc:  # any failure means "not ready"; say which without internals
        return web.json_response({"status": "unavailable", "error": type(exc).__name__}, status=503)
    return web.json_response({"status": "ok", "store": store})

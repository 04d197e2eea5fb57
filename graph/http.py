"""The GraphQL endpoint and the health check.

`/graphql`: POST runs operations (as the session's user); GET shows GraphiQL, to admins only.
Queries over GET are refused so a link can never trigger an operation with someone's cookie.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from aiohttp import web
from cross_web import HTTPException
from strawberry.aiohttp.views import GraphQLView
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graph.context import Context
from graph.execution import Prepared, execute_prepared, may_introspect, prepare, present_errors
from graph.graphiql import graphiql_page
from graph.schema import schema
from graph.services import SERVICES
from graph.session import current_user


LOGIN_TEMPLATE = (Path(__file__).parent / "templates" / "login.html").read_text(encoding="utf-8")


def _login_page(status: int, message: str) -> web.Response:
    """A self-contained page (no external asset) whose form logs in through /api/v1/login."""
    return web.Response(status=status, content_type="text/html",
                        text=LOGIN_TEMPLATE.replace("{message}", message))


class PixanoGraphQLView(GraphQLView):
    def __init__(self) -> None:
        # WebSockets never reach this view: graph.live.socket answers them (same execution path).
        super().__init__(schema=schema, graphql_ide="graphiql", allow_queries_via_get=False,
                         subscription_protocols=())

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
        """Run the operation through `graph.execution`, the path the REST layer uses too."""
        if not request_data.query:
            raise HTTPException(400, "No GraphQL query found in the request")
        prepared = prepare(request_data.query, may_introspect(context))
        if not isinstance(prepared, Prepared):
            return ExecutionResult(data=None, errors=list(prepared))
        kind = prepared.operation_type(request_data.operation_name)
        if kind is None:
            name = request_data.operation_name
            raise HTTPException(400, f"Unknown operation named {name!r}" if name
                                else "Must provide operationName when the document has several")
        if kind is OperationType.SUBSCRIPTION:
            raise HTTPException(400, "subscriptions run over a WebSocket on /graphql "
                                     "(graphql-transport-ws protocol); see docs/workflow.md")
        if request_adapter.method != "POST" or kind not in OperationType.from_http("POST"):
            raise HTTPException(400, f"{kind.value} operations are only allowed over POST")
        result = await execute_prepared(prepared, context, request_data.variables,
                                        request_data.operation_name)
        return ExecutionResult(data=result.data, errors=present_errors(result.errors) or None)


async def healthz(request: web.Request) -> web.Response:
    """Liveness and store state, for load balancers and `make run` users."""
    try:
        store = await request.app[SERVICES].store.health()
    except Exception as exc:  # any failure means "not ready"; say which without internals
        return web.json_response({"status": "unavailable", "error": type(exc).__name__}, status=503)
    return web.json_response({"status": "ok", "store": store})

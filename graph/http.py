"""The GraphQL endpoint and the health check.

`/graphql`: POST runs operations (as the session's user); GET shows GraphiQL, to admins only.
Queries over GET are refused so a link can never trigger an operation with someone's cookie.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from aiohttp import web
from strawberry.aiohttp.views import GraphQLView
from strawberry.exceptions import MissingQueryError
from cross_web import HTTPException
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from graph.context import Context
from graph.graphiql import graphiql_page
from graph.schema import schema, schema_for
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


async def healthz(request: web.Request) -> web.Response:
    """Liveness and store state, for load balancers and `make run` users."""
    try:
        store = await request.app[SERVICES].store.health()
    except Exception as exc:  # any failure means "not ready"; say which without internals
        return web.json_response({"status": "unavailable", "error": type(exc).__name__}, status=503)
    return web.json_response({"status": "ok", "store": store})

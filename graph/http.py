"""The GraphQL endpoint and the health check.

`/graphql`: POST runs operations (as the session's user); GET shows GraphiQL, to admins only.
Queries over GET are refused so a link can never trigger an operation with someone's cookie.
"""
from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from cross_web import AiohttpHTTPRequestAdapter, HTTPException
from strawberry.aiohttp.views import GraphQLView

from graph.bodies import MAX_BODY_BYTES, BodyRefused, decode_json, read_body
from graph.context import Context
from graph.graphiql import graphiql_page
from graph.html_headers import page_headers
from graph.jsonbody import dumps, json_response
from graph.live.socket import live_socket
from graph.schema import schema
from graph.services import SERVICES
from graph.session import current_user


LOGIN_TEMPLATE = (Path(__file__).parent / "templates" / "login.html").read_text(encoding="utf-8")
LOGIN_HEADERS = page_headers(LOGIN_TEMPLATE)
GRAPHIQL_HEADERS = page_headers(graphiql_page())


def _login_page(status: int, message: str) -> web.Response:
    """A self-contained page (no external asset) whose form logs in through /api/v1/login."""
    return web.Response(status=status, content_type="text/html", headers=LOGIN_HEADERS,
                        text=LOGIN_TEMPLATE.replace("{message}", message))


class _BodyAdapter(AiohttpHTTPRequestAdapter):
    """Reads the body through `graph.bodies.read_body`, as REST does: size limit and timeout."""

    async def get_body(self) -> bytes:
        if self._body is None:
            try:
                self._body = await read_body(self.request, MAX_BODY_BYTES,
                                             self.request.app[SERVICES].settings.body_timeout)
            except BodyRefused as refused:
                raise HTTPException(refused.status, refused.message) from refused
        return self._body


class PixanoGraphQLView(GraphQLView):
    """Strawberry's aiohttp view, customised only through its documented hooks; operations run
    through Strawberry's `Schema.execute` and so through the schema's extensions (`graph/schema.py`),
    like REST routes do."""

    request_adapter_class = _BodyAdapter

    def __init__(self) -> None:
        super().__init__(schema=schema, graphql_ide="graphiql", allow_queries_via_get=False,
                         subscription_protocols=())

    def is_websocket_request(self, request: web.Request) -> bool:  # type: ignore[override]
        """WebSockets are off: `graphql_route` refuses an upgrade before the view sees it. (The
        base class would build a WebSocketResponse, twice per request, to find that out.)"""
        return False

    def parse_json(self, data: str | bytes) -> Any:
        """The body as a JSON object, through the decoder every REST route uses too (UTF-8 and
        nesting depth checked before decoding); anything else is a 400, never a 500."""
        try:
            value = decode_json(data)
        except BodyRefused as refused:
            raise HTTPException(refused.status, refused.message) from refused
        if not isinstance(value, dict):
            raise HTTPException(400, "the request body must be a JSON object "
                                     '({"query": ..., "variables": ...})')
        return value

    def encode_json(self, data: object) -> str:
        """The server's one compact encoder (`graph/jsonbody.py`)."""
        return dumps(data)

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
        return web.Response(text=graphiql_page(), content_type="text/html",
                            headers=GRAPHIQL_HEADERS)


def graphql_route(view: PixanoGraphQLView) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The `/graphql` handler: WebSocket upgrades go to the live door (`graph.live.socket`, which
    runs every operation through `graph.execution.stream_operation`), so none reaches
    Strawberry's own socket handlers. Everything else goes to the view."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if "Upgrade" in request.headers or "Sec-WebSocket-Key" in request.headers:
            return await live_socket(request)
        return await view(request)

    return handle


async def healthz(request: web.Request) -> web.Response:
    """Liveness and store state, for load balancers and `make run` users."""
    try:
        store = await request.app[SERVICES].store.health()
    except Exception as exc:  # any failure means "not ready"; say which without internals
        return json_response({"status": "unavailable", "error": type(exc).__name__}, status=503)
    return json_response({"status": "ok", "store": store})

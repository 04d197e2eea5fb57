"""The one generic handler behind every route of the table.

Matching is done here rather than by registering each route with aiohttp, so that every path
under /api/v1 answers in the same JSON error shape (unknown path: 404, known path with another
method: 405) and each path works with or without a trailing slash, as old scripts use both.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from graph.bodies import BodyRefused, decode_json, read_body
from graph.context import Context
from graph.csrf import cross_site_refusal
from graph.jsonbody import dumps
from graph.metrics import ROUTE
from graph.rest.errors import RestError
from graph.rest.execute import run
from graph.rest.spec import Call, Route
from graph.services import SERVICES
from graph.session import current_user

PREFIX = "/api/v1"
log = logging.getLogger("pixano_graph")


class Router:
    """Finds the route for (method, path); the most literal pattern wins (`jobs/next` over
    `jobs/{job_id}`)."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = list(routes)
        self._patterns = [(route, route.path.strip("/").split("/")) for route in self.routes]
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for route, parts in self._patterns:
            key = (route.method, tuple("{}" if p.startswith("{") else p for p in parts))
            if key in seen:
                raise ValueError(f"two routes for {route.method} {route.path}")
            seen.add(key)
        # Only patterns of the path's length can match: try those, most literal first, so the
        # first match of the method is the best one (every request resolves, ~35 patterns).
        self._by_length: dict[int, list[tuple[Route, list[str]]]] = {}
        for route, parts in sorted(self._patterns,
                                   key=lambda rp: -sum(not p.startswith("{") for p in rp[1])):
            self._by_length.setdefault(len(parts), []).append((route, parts))

    def resolve(self, method: str, segments: list[str]) -> tuple[Route, dict[str, str]]:
        allowed: set[str] = set()
        for route, parts in self._by_length.get(len(segments), ()):
            params = _match(parts, segments)
            if params is None:
                continue
            if route.method == method:
                return route, params
            allowed.add(route.method)
        if allowed:
            methods = ", ".join(sorted(allowed))
            raise RestError(405, "method_not_allowed",
                            f"{method} is not supported here; use {methods}", {"Allow": methods})
        raise RestError(404, "not_found", "no such API path: see GET /api/v1/openapi.json")


def _match(parts: list[str], segments: list[str]) -> dict[str, str] | None:
    if len(parts) != len(segments):
        return None
    params: dict[str, str] = {}
    for part, segment in zip(parts, segments, strict=False):
        if part.startswith("{"):
            if not segment:
                return None
            params[part[1:-1]] = segment
        elif part != segment:
            return None
    return params


def path_segments(request: web.Request) -> list[str]:
    """The decoded segments after /api/v1, one trailing slash ignored; `%2F` stays inside a
    segment (a data id or a name), it never splits the path."""
    raw = request.rel_url.raw_path[len(PREFIX):]
    if raw.endswith("/"):
        raw = raw[:-1]
    return [unquote(s) for s in raw.split("/")[1:]] if raw else []


async def _read_json(request: web.Request, limit: int) -> Any:
    """The body's JSON value (None when there is none); 400/413 through `graph.bodies`."""
    if not request.can_read_body:
        return None
    try:
        data = await read_body(request, limit, request.app[SERVICES].settings.body_timeout)
        if not data.strip():
            return None
        return decode_json(data)
    except BodyRefused as refused:
        kind = {413: "payload_too_large", 408: "request_timeout"}.get(refused.status,
                                                                     "bad_user_input")
        raise RestError(refused.status, kind, refused.message) from refused


async def read_call(request: web.Request, route: Route, path: dict[str, str]) -> Call:
    body: dict[str, Any] = {}
    if route.body is not None:  # a body sent to a route that takes none is ignored
        raw = await _read_json(request, route.max_body)
        body = route.body.read({} if raw is None else raw)
    params = {p.name: p.read(request.query) for p in route.params}
    return Call(path=path, query=request.query, body=body, params=params)


def make_handler(router: Router) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            route, path = router.resolve(request.method, path_segments(request))
            request[ROUTE] = PREFIX + route.path
            if route.method == "GET" and route.changes_state:
                # Legacy GETs that run a mutation (logout, jobs/next): same-origin callers only.
                # Unsafe methods were checked by graph.csrf's middleware already.
                if (reason := cross_site_refusal(request)) is not None:
                    raise RestError(403, "forbidden", reason)
            call = await read_call(request, route, path)
            variables = route.variables(call)
            response = web.Response(status=route.status)
            ctx = Context(services=request.app[SERVICES], response=response,
                          user=current_user(request), request=request)
            data: Any = await run(route.operation, variables, ctx, route.conflict_status)
            if route.follow is not None:
                datas = [data]
                while (more := route.follow(datas, call)) is not None:
                    datas.append(await run(route.operation, {**variables, **more}, ctx,
                                           route.conflict_status))
                data = datas
            if route.result is not None and route.status != 204:
                response.content_type = "application/json"
                response.text = dumps(route.result(data, call))
            return response
        except RestError as error:
            return error.response()
        except Exception:  # a bug of ours: log it, never show it
            log.exception("unexpected error in REST %s %s", request.method, request.path)
            return RestError.internal().response()

    return handle

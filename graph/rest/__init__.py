"""The legacy REST API under /api/v1: a table of routes, each a thin translation onto one GraphQL
operation executed in-process with the caller's context (`routes/`), served by one generic
handler (`dispatch.py`) and described by an OpenAPI 3.1 document generated from the same table
(`openapi.py`, at GET /api/v1/openapi.json)."""
from __future__ import annotations

from aiohttp import web

from graph.jsonbody import json_response
from graph.rest.dispatch import PREFIX, Router, make_handler
from graph.rest.openapi import openapi_document
from graph.rest.routes import ROUTES


def add_routes(app: web.Application) -> None:
    document = openapi_document(ROUTES)

    async def openapi(request: web.Request) -> web.Response:
        return json_response(document)

    handler = make_handler(Router(ROUTES))
    app.router.add_get(f"{PREFIX}/openapi.json", openapi)
    app.router.add_route("*", PREFIX, handler)
    app.router.add_route("*", PREFIX + "/{tail:.*}", handler)

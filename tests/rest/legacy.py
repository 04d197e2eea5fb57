"""A legacy client: plain HTTP under /api/v1 with its own cookie jar, as the old scripts and the
old frontend speak it (log in once, then the `token` cookie authenticates every call)."""
from __future__ import annotations

from typing import Any

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestClient
from yarl import URL

from graph.rest.dispatch import Router
from graph.rest.errors import RestError
from graph.rest.openapi import openapi_document
from graph.rest.routes import ROUTES

try:  # comes with openapi-spec-validator (test extra); without it, shapes are not checked here
    import jsonschema
except ImportError:  # pragma: no cover
    jsonschema = None

_ROUTER = Router(ROUTES)
_COMPONENTS = openapi_document(ROUTES)["components"]


def check_documented_shape(method: str, path: str, status: int, body: Any) -> None:
    """The answer matches what GET /api/v1/openapi.json says the route answers."""
    if jsonschema is None:
        return
    segments = [s for s in path.split("?")[0].strip("/").split("/") if s]
    try:
        route, _ = _ROUTER.resolve(method, segments)
    except RestError:
        route = None
    if status >= 400:
        schema: Any = {"$ref": "#/components/schemas/Error"}
    elif route is not None and status == route.status and route.response is not None:
        schema = route.response
    else:
        return
    jsonschema.validate(body, {**schema, "components": _COMPONENTS})


class LegacyClient:
    def __init__(self, http: TestClient) -> None:
        self._base = str(http.make_url("/api/v1"))
        self.session = ClientSession(cookie_jar=CookieJar(unsafe=True))
        self.last_response = None

    async def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        """(status, parsed JSON body or None when empty)."""
        async with self.session.request(method, self._base + path, **kwargs) as response:
            self.last_response = response
            text = await response.text()
            if not text:
                return response.status, None
            body = await response.json(content_type=None)
            check_documented_shape(method, path, response.status, body)
            return response.status, body

    async def get(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("GET", path, **kwargs)

    async def text(self, path: str) -> str:
        """The body of a GET as sent (the bytes, decoded), for byte-level comparisons."""
        async with self.session.get(self._base + path) as response:
            assert response.status == 200, await response.text()
            return await response.text()

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("POST", path, json=body, **kwargs)

    async def put(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("PUT", path, json=body, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("DELETE", path, **kwargs)

    async def login(self, username: str, password: str) -> "LegacyClient":
        status, body = await self.post("/login/", {"username": username, "password": password})
        assert status == 200, body
        return self

    def cookie(self, name: str) -> str | None:
        """The value of a cookie this client holds for the server, if any."""
        morsel = self.session.cookie_jar.filter_cookies(URL(self._base)).get(name)
        return morsel.value if morsel else None

    async def close(self) -> None:
        await self.session.close()

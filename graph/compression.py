"""gzip for response bodies worth it: JSON, HTML, JavaScript, CSS, SVG of `MIN_SIZE` bytes or more,
to clients that accept it.

Small bodies (a claim, a save: a few hundred bytes) go out as they are: compressing them saves
nothing a TCP packet would notice and costs CPU on every request. A results page with thumbnails
shrinks by about a quarter (base64 carries 6 bits in 8); listings and the OpenAPI document by far
more. Compression runs on the event loop at a moderate level (`LEVEL`: ~1 ms for a 40 kB page)
rather than in aiohttp's executor hop. Bodies that are already encoded (the GraphiQL bundle,
compressed once and kept: `graph/graphiql.py`), streamed files (/data media are JPEGs and PNGs,
already compressed) and partial responses are left alone. brotli is not offered: it needs a
native dependency for a few percent over gzip on these bodies.
"""
from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable
from typing import TypeGuard

from aiohttp import hdrs, web

MIN_SIZE = 1024
LEVEL = 5
_COMPRESSIBLE = ("application/json", "application/graphql-response+json", "text/",
                 "application/javascript", "image/svg+xml", "application/openmetrics-text")


def accepts_gzip(request: web.Request) -> bool:
    """Whether the client listed gzip with a non-zero quality."""
    for part in request.headers.get(hdrs.ACCEPT_ENCODING, "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def gzip_bytes(body: bytes, level: int = LEVEL) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: the gzip container
    return compressor.compress(body) + compressor.flush()


def _worth_it(response: web.StreamResponse) -> TypeGuard[web.Response]:
    if type(response) is not web.Response or response.prepared:
        return False
    if response.status < 200 or response.status in (204, 206, 304):
        return False
    if hdrs.CONTENT_ENCODING in response.headers:
        return False
    body = response.body
    if not isinstance(body, (bytes, bytearray)) or len(body) < MIN_SIZE:
        return False
    return response.content_type.startswith(_COMPRESSIBLE)


@web.middleware
async def compression_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    if _worth_it(response):
        response.headers.add(hdrs.VARY, hdrs.ACCEPT_ENCODING)
        if accepts_gzip(request) and isinstance(response.body, (bytes, bytearray)):
            response.body = gzip_bytes(bytes(response.body))
            response.headers[hdrs.CONTENT_ENCODING] = "gzip"
    return response

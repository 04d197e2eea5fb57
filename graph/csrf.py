"""Cross-site request forgery: what a page of another origin can make a browser send, refused.

Two rules, for `/graphql` and every route under `/api/v1`:
- **Form content types** (`text/plain`, `application/x-www-form-urlencoded`,
  `multipart/form-data`) are what a cross-site `<form>` or a "simple" `fetch` may send without a
  CORS preflight, cookie included: a body in one of them is refused with 415. JSON, and bodies
  with no Content-Type at all (old scripts), are read as before.
- A **state-changing request carrying the session cookie** that the browser marks as coming from
  another site (`Sec-Fetch-Site` other than `same-origin`/`none`, or an `Origin` naming another
  host than the request's) is refused with 403. Callers that send neither header (curl, scripts)
  and callers using `Authorization: Bearer` (which a browser never adds by itself) are not
  concerned. State-changing means an unsafe method (POST, PUT, PATCH, DELETE), or one of the
  legacy GET routes that run a mutation (`GET /api/v1/logout`, `GET /api/v1/tasks/{name}/jobs/next`):
  the REST dispatcher applies `cross_site_refusal` to those itself.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.message import Message
from functools import lru_cache
from urllib.parse import urlsplit

from aiohttp import web

from graph.session import COOKIE_NAME, bearer_token

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_CONTENT_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded",
                                "multipart/form-data"})
SAME_SITE_FETCHES = frozenset({"same-origin", "none"})
GUARDED_PREFIXES = ("/graphql", "/api/v1")


@lru_cache(maxsize=256)
def _mime(header: str) -> str:
    """The media type of a Content-Type header, as the standard library reads it (`text/plain`
    when malformed); clients send the same few headers, so each is parsed once."""
    message = Message()
    message["content-type"] = header
    return message.get_content_type()


def form_content_type(request: web.Request) -> str | None:
    """The form content type of the request's body, if it has one (None for JSON or none)."""
    header = request.headers.get("Content-Type")
    if not header:
        return None
    mime = _mime(header)
    return mime if mime in FORM_CONTENT_TYPES else None


def _other_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin == "null":  # sandboxed frames, data: URLs, some redirects
        return True
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return True
    return netloc.lower() != request.host.lower()


def cross_site_refusal(request: web.Request) -> str | None:
    """Why this cookie-authenticated request must be refused as cross-site (None: it may go)."""
    if bearer_token(request) or COOKIE_NAME not in request.cookies:
        return None
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site.lower() not in SAME_SITE_FETCHES:
        return f"cross-site request refused (Sec-Fetch-Site: {fetch_site})"
    if _other_origin(request):
        return "cross-site request refused (the Origin is another host)"
    return None


def refusal(request: web.Request, status: int, code: str, message: str) -> web.Response:
    """The refusal in the shape of the door asked: GraphQL errors or the REST error body."""
    if request.path.startswith("/graphql"):
        return web.json_response({"data": None, "errors": [
            {"message": message, "extensions": {"code": code}}]}, status=status)
    return web.json_response({"type": code.lower(), "message": message}, status=status)


@web.middleware
async def csrf_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if request.method in UNSAFE_METHODS and request.path.startswith(GUARDED_PREFIXES):
        if (mime := form_content_type(request)) is not None:
            return refusal(request, 415, "UNSUPPORTED_MEDIA_TYPE",
                           f"request bodies must be JSON (Content-Type: application/json), "
                           f"not {mime}")
        if (reason := cross_site_refusal(request)) is not None:
            return refusal(request, 403, "FORBIDDEN", reason)
    return await handler(request)

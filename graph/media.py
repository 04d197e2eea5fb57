"""Workspace media served read-only under /data/<path relative to the workspace>.

Logged-in users only. aiohttp has already percent-decoded the path (so `%2e%2e` and `%2f` arrive as
`..` and `/`); the decoded path is then checked with the same rules as dataset paths (no `..`,
nothing absolute, no NUL or backslash), every symlink is resolved and the result must still be a
regular file inside the workspace. Hidden entries — above all `.pixano/`, which holds the database
and the signing secret — are never served. Refusals carry no byte of any file.

Responses are cacheable privately and revalidated cheaply: aiohttp's FileResponse sends ETag and
Last-Modified and answers If-None-Match / If-Modified-Since with 304 (and Range with 206).
"""
from __future__ import annotations

import os
from pathlib import Path

from aiohttp import web

from graph.jsonbody import json_response
from graph.services import SERVICES
from graph.session import current_user
from resolvers.datasets.paths import PathRefused, PathTooLong, resolve_inside, split_relative

MEDIA_HEADERS = {
    # Behind a login: shared caches must not keep it; browsers revalidate with the ETag.
    "Cache-Control": "private, no-cache",
    "X-Content-Type-Options": "nosniff",
    # A workspace .html or .svg must never run script on the app's origin (session cookie).
    "Content-Security-Policy": "default-src 'none'; sandbox",
}



def _problem(status: int, kind: str, message: str) -> web.Response:
    return json_response({"type": kind, "message": message}, status=status)


def _not_found() -> web.Response:
    return _problem(404, "not_found", "no such file in the workspace")


async def serve_media(request: web.Request) -> web.StreamResponse:
    if current_user(request) is None:
        return _problem(401, "unauthenticated", "authentication required: log in first")
    try:
        parts = split_relative(request.match_info["path"])
    except PathTooLong as exc:
        return _problem(400, "bad_user_input", f"refused path: {exc}")
    except PathRefused as exc:
        return _problem(403, "forbidden", f"refused path: {exc}")
    if not parts or any(part.startswith(".") for part in parts):
        return _not_found()
    settings = request.app[SERVICES].settings
    workspace_real = Path(os.path.realpath(settings.workspace))
    real = resolve_inside(workspace_real, parts)
    if real is None:
        return _problem(403, "forbidden", "this path leads outside the workspace")
    relative_real = real.relative_to(workspace_real).parts
    if any(part.startswith(".") for part in relative_real) or not real.is_file():
        return _not_found()
    return web.FileResponse(real, headers=MEDIA_HEADERS)


def add_routes(app: web.Application) -> None:
    # GET also answers HEAD; any other method gets 405: the media are read-only.
    app.router.add_get("/data/{path:.*}", serve_media)

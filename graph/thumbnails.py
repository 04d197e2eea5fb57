"""Thumbnails as cacheable URLs: GET /thumbnails/<dataset id>/<data id>.jpg, the JPEG bytes.

A page of results can then be shown without base64 in its JSON (GraphQL `thumbnailUrl` on data
items and results); the legacy REST listing keeps its base64 `thumbnail` field. A data item never
changes once ingested (a re-created dataset gets new ids), so the URL names one picture forever:
`immutable` caching for a year, privately (it is behind the login, like /data), with an ETag for
clients that revalidate anyway.
"""
from __future__ import annotations

import base64
import hashlib
from urllib.parse import quote

from aiohttp import web

from graph.jsonbody import json_response
from graph.services import SERVICES
from graph.session import current_user

PREFIX = "/thumbnails"
CACHE_CONTROL = "private, max-age=31536000, immutable"


def thumbnail_url(dataset_id: str, data_id: str) -> str:
    return f"{PREFIX}/{quote(dataset_id, safe='')}/{quote(data_id, safe='')}.jpg"


def _problem(status: int, kind: str, message: str) -> web.Response:
    return json_response({"type": kind, "message": message}, status=status)


async def serve_thumbnail(request: web.Request) -> web.Response:
    if current_user(request) is None:
        return _problem(401, "unauthenticated", "authentication required: log in first")
    dataset_id, data_id = request.match_info["dataset_id"], request.match_info["data_id"]
    found = await request.app[SERVICES].store.get_data_items(dataset_id, [data_id])
    encoded = found[0].get("thumbnail") if found and found[0] else None
    if not encoded:
        return _problem(404, "not_found", "no thumbnail for this data item")
    etag = '"' + hashlib.blake2b(encoded.encode("ascii"), digest_size=12).hexdigest() + '"'
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag, "X-Content-Type-Options": "nosniff"}
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    return web.Response(body=base64.b64decode(encoded), content_type="image/jpeg",
                        headers=headers)


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX + "/{dataset_id}/{data_id}.jpg", serve_thumbnail)

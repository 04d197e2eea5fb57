"""Every JSON body this server writes: compact (no space after `,` and `:`), UTF-8 as is.

One encoder for REST, GraphQL (`PixanoGraphQLView.encode_json`) and the small problem/health
bodies, so a legacy results page is no larger than the original server's (Node's
`JSON.stringify` writes no spaces either). The standard library's encoder: a results page is
mostly base64 thumbnails, which any encoder copies at memory speed.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def json_response(data: Any, *, status: int = 200,
                  headers: Mapping[str, str] | None = None) -> web.Response:
    """`web.json_response` with the compact encoder."""
    return web.json_response(data, status=status, headers=headers, dumps=dumps)

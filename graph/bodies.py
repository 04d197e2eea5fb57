"""Reading request bodies safely: one decoder for `/graphql` and every REST route.

A body is refused with a 4xx, never a 500, when it is:
- slower to arrive than `body_timeout` (408);
- larger than the route allows (413: `MAX_BODY_BYTES`, or a route's smaller limit such as login's),
  checked against Content-Length before reading and again while reading a chunked body;
- not UTF-8 (400), whatever charset the Content-Type claims (JSON is UTF-8, RFC 8259);
- JSON nested deeper than `MAX_JSON_DEPTH` (400). The depth is measured on the raw bytes before
  decoding, in C-speed passes (strings removed by one regex, brackets kept by `bytes.translate`,
  a running sum by `itertools.accumulate`), so a 100,000-deep array is refused without any
  recursion; the decoder and everything downstream (variable coercion, the JSON scalar, the
  stores) then only ever see shallow documents;
- not JSON at all (400).
"""
from __future__ import annotations

import asyncio
import json
import re
from itertools import accumulate
from typing import Any

from aiohttp import web

#: The largest body any route accepts (labels of a big point cloud fit well below it).
MAX_BODY_BYTES = 64 * 1024 * 1024
#: Routes that never need much (login): a password is at most 1,024 characters.
SMALL_BODY_BYTES = 64 * 1024
#: Deepest nesting of arrays/objects a body may have. Annotations nest a handful of levels.
MAX_JSON_DEPTH = 64

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_KEEP = b"[]{}"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in _KEEP)
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


class BodyRefused(Exception):
    """A body that cannot be read: `status` (400 or 413) and a message safe to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def json_depth(data: bytes) -> int:
    """The deepest nesting of `[`/`{` in a JSON text, brackets inside strings ignored."""
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    return max(accumulate(map(_STEP.__getitem__, brackets)))


def decode_json(data: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The JSON value of a body, or BodyRefused(400) saying what is wrong with it."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyRefused(400, f"the request body is not valid UTF-8 (byte {exc.start})") from exc
    openers = data.count(b"[") + data.count(b"{")  # cheap bound: most bodies stop here
    if openers > max_depth and json_depth(data) > max_depth:
        raise BodyRefused(400, f"the request body nests arrays/objects deeper than {max_depth} "
                               "levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BodyRefused(400, f"the request body is not valid JSON: {exc}") from exc


def too_large(limit: int) -> BodyRefused:
    return BodyRefused(413, f"the request body is larger than this route accepts ({limit} bytes)")


async def read_body(request: web.Request, limit: int, timeout: float) -> bytes:
    """The raw body, at most `limit` bytes (413 beyond, without trusting Content-Length), fully
    received within `timeout` seconds (408: a client trickling its body holds no handler long)."""
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            while chunk := await request.content.read(256 * 1024):
                size += len(chunk)
                if size > limit:
                    raise too_large(limit)
                chunks.append(chunk)
    except TimeoutError as exc:
        raise BodyRefused(408, f"the request body did not arrive within {timeout:g} s") from exc
    return b"".join(chunks)

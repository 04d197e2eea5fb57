"""Security headers for the server's HTML pages (GraphiQL and the login form).

Each page gets a Content-Security-Policy built from the page itself: scripts only from this
server plus the page's own inline scripts, allowed by their sha256 (so an injected script cannot
run), requests only to this origin, no plugins, no `<base>` rewriting, and never inside a frame
(`frame-ancestors 'none'`, with `X-Frame-Options: DENY` for older browsers: no clickjacking of an
admin's GraphiQL). Styles may be inline: GraphiQL sets them at run time, and CSS cannot run code.
Every other response gets `X-Content-Type-Options: nosniff` (`add_nosniff`).
"""
from __future__ import annotations

import base64
import hashlib
import re

from aiohttp import web

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def page_headers(page: str) -> dict[str, str]:
    """The headers to send with `page` (its inline scripts are hashed into the policy)."""
    scripts = " ".join(_sha256(body) for body in _INLINE_SCRIPT.findall(page))
    policy = "; ".join((
        "default-src 'none'",
        f"script-src 'self' {scripts}".rstrip(),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))
    return {"Content-Security-Policy": policy, "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
            "Cache-Control": "no-store"}


async def add_nosniff(request: web.Request, response: web.StreamResponse) -> None:
    """Never let a browser guess another type than the one declared (on_response_prepare)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")

"""The legacy REST API under /api/v1 (issue 5 fills this in)."""
from __future__ import annotations

from aiohttp import web


def add_routes(app: web.Application) -> None:
    return None

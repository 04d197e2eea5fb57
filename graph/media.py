"""Workspace media served read-only under /data (issue 3 fills this in)."""
from __future__ import annotations

from aiohttp import web


def add_routes(app: web.Application) -> None:
    return None

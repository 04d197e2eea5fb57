"""Keeping the cyclic garbage collector off the server's long-lived objects.

Imports, the GraphQL schema (Strawberry's types and graphql-core's), the route table and its
parsed documents are ~95,000 objects the collector tracks and that live as long as the process.
Every full collection traverses them all: with the default thresholds one comes every few
hundred requests and costs tens of milliseconds, which averaged out was ~160 µs of the event
loop's CPU per claim -> submit cycle (~10%; `bench/cpu.py`, issue 16). `gc.freeze()` moves
everything alive once the server has started into the permanent generation, which collections
skip; what is created afterwards (per-request garbage, caches filling up) is collected as before.

Done by `pixano-graph serve` only (`freeze_on_startup`), never by `create_app`: the tests build
hundreds of apps in one process and must not pin them.
"""
from __future__ import annotations

import gc

from aiohttp import web


async def _freeze(app: web.Application) -> None:
    gc.collect()  # what start-up left as garbage is freed, not frozen
    gc.freeze()


def freeze_on_startup(app: web.Application) -> None:
    """Freeze the heap once `app` has started (its store open, its services built): the last
    start-up hook."""
    app.on_startup.append(_freeze)

"""`pixano-graph serve` freezes the heap once started (graph/heap.py): the objects alive then
(the schema among them) leave the collector's generations, what comes later is collected."""
from __future__ import annotations

import gc

from graph.app import create_app
from graph.heap import freeze_on_startup
from graph.schema import schema


def _tracked(obj: object) -> bool:
    """Whether a collection would traverse `obj` (it is in one of the three generations)."""
    return any(o is obj for o in gc.get_objects())


async def test_the_started_server_leaves_its_startup_heap_to_the_permanent_generation(
        aiohttp_client, settings) -> None:
    app = create_app(settings)
    freeze_on_startup(app)
    assert _tracked(schema)
    try:
        client = await aiohttp_client(app)
        assert gc.get_freeze_count() > 10_000
        assert not _tracked(schema)
        response = await client.get("/healthz")  # serving goes on: new objects are collected
        assert response.status == 200
        later = [object()]
        later.append(later)  # a cycle made after start-up
        assert _tracked(later)
    finally:
        gc.unfreeze()

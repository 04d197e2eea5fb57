"""A second server instance on the database of a running test app (a restart, or another instance
behind a load balancer): both engines, so state that must be shared is shown to be in the store."""
from __future__ import annotations

from aiohttp.test_utils import TestClient

from graph.app import create_app, default_store
from graph.services import SERVICES
from graph.settings import Settings
from store.mongo import MongoStore


async def second_instance(aiohttp_client, http: TestClient, settings: Settings) -> TestClient:
    store = http.server.app[SERVICES].store
    if isinstance(store, MongoStore):  # mongomock: the same in-process client and database
        return await aiohttp_client(create_app(
            settings, lambda s: MongoStore(store._client, store._db.name)))
    return await aiohttp_client(create_app(settings, default_store))

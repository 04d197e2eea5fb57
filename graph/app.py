"""`create_app(settings)`: the aiohttp application, with the store's lifetime in a cleanup context."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from graph import graphiql, media, metrics, rest, thumbnails
from graph.bodies import MAX_BODY_BYTES
from graph.compression import compression_middleware
from graph.bootstrap import ensure_admin
from graph.csrf import csrf_middleware
from graph.html_headers import add_nosniff
from graph.http import PixanoGraphQLView, graphql_route, healthz
from graph.live.bus import EventBus
from graph.live.listeners import LiveState
from graph.live.socket import SOCKETS, Sockets, close_all
from graph.services import SERVICES, Services
from graph.session import session_middleware
from graph.settings import Settings
from resolvers.auth.tokens import TokenSigner, load_or_create_secret
from resolvers.datasets.ingest import THUMBNAIL_POOL
from store import Store, open_store

StoreFactory = Callable[[Settings], Store]


def default_store(settings: Settings) -> Store:
    return open_store(settings.state_dir, settings.mongodb_uri, settings.mongodb_database,
                      group_commit=settings.group_commit, sqlite_readers=settings.sqlite_readers,
                      shared=settings.shared_store)


def create_app(settings: Settings, store_factory: StoreFactory = default_store) -> web.Application:
    """The whole server. `store_factory` lets tests run the same app on another engine."""
    app = web.Application(middlewares=[metrics.metrics_middleware, compression_middleware,
                                       csrf_middleware, session_middleware],
                          client_max_size=MAX_BODY_BYTES)

    async def services_lifetime(app: web.Application) -> AsyncIterator[None]:
        secret = settings.secret or load_or_create_secret(settings.state_dir)
        store = store_factory(settings)
        await store.open()
        events = EventBus(store, settings.clock, settings.live_poll_seconds,
                          settings.live_retention_seconds)
        try:
            await ensure_admin(store, settings.admin_password)
            await events.start()
            app[SERVICES] = Services(settings=settings, store=store,
                                     tokens=TokenSigner(secret, settings.token_ttl_seconds),
                                     events=events,
                                     live=LiveState(events, settings.live_progress_interval))
            app[metrics.STORE_COUNTERS] = metrics.StoreCounters(store)
            warming = (asyncio.ensure_future(THUMBNAIL_POOL.warm())
                       if settings.warm_thumbnail_pool else None)
            yield
            if warming is not None:
                warming.cancel()
        finally:
            await THUMBNAIL_POOL.close()
            await events.stop()
            await store.close()

    app.cleanup_ctx.append(services_lifetime)
    app[SOCKETS] = Sockets()
    app.on_shutdown.append(close_all)
    app.on_response_prepare.append(add_nosniff)
    app.router.add_route("*", "/graphql", graphql_route(PixanoGraphQLView()))
    app.router.add_get("/healthz", healthz)
    graphiql.add_asset_routes(app)
    media.add_routes(app)
    metrics.add_routes(app)
    thumbnails.add_routes(app)
    rest.add_routes(app)
    return app

"""`create_app(settings)`: the aiohttp application, with the store's lifetime in a cleanup context."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from graph import graphiql, media, rest
from graph.bootstrap import ensure_admin
from graph.live.bus import EventBus
from graph.live.listeners import LiveState
from graph.live.socket import SOCKETS, Sockets, close_all, is_websocket, live_socket
from graph.http import PixanoGraphQLView, healthz
from graph.services import SERVICES, Services
from graph.session import session_middleware
from graph.settings import Settings
from resolvers.auth.tokens import TokenSigner, load_or_create_secret
from store import Store, open_store

StoreFactory = Callable[[Settings], Store]


def default_store(settings: Settings) -> Store:
    return open_store(settings.state_dir, settings.mongodb_uri, settings.mongodb_database)


def create_app(settings: Settings, store_factory: StoreFactory = default_store) -> web.Application:
    """The whole server. `store_factory` lets tests run the same app on another engine."""
    app = web.Application(middlewares=[session_middleware], client_max_size=64 * 1024 * 1024)

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
            yield
        finally:
            await events.stop()
            await store.close()

    app.cleanup_ctx.append(services_lifetime)
    app[SOCKETS] = Sockets()
    app.on_shutdown.append(close_all)
    view = PixanoGraphQLView()

    async def graphql_door(request: web.Request) -> web.StreamResponse:
        """/graphql: WebSockets to the live door, everything else to the HTTP view."""
        return await (live_socket(request) if is_websocket(request) else view(request))

    app.router.add_route("*", "/graphql", graphql_door)
    app.router.add_get("/healthz", healthz)
    graphiql.add_asset_routes(app)
    media.add_routes(app)
    rest.add_routes(app)
    return app

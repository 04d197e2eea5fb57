"""What every request handler shares: settings, the store, the token signer and the clock.

Built once per application by `create_app`'s cleanup context, so the store's lifetime is the app's.
"""
from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from graph.live.bus import EventBus
from graph.live.listeners import LiveState
from graph.settings import Settings
from resolvers.auth.tokens import TokenSigner
from store import Store


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: Store
    tokens: TokenSigner
    #: The event log's publisher and follower (live updates).
    events: EventBus
    #: What this process's subscriptions share (progress feeds, reads made once per event).
    live: LiveState

    def now(self) -> float:
        """The current time in seconds, to the millisecond (what a `DateTime` shows, so the
        REST layer's Unix seconds and GraphQL's ISO times are the same number); injectable
        through Settings.clock for tests."""
        return round(self.settings.clock(), 3)


SERVICES = web.AppKey("services", Services)

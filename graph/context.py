"""The per-request context every resolver receives as `info.context`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from strawberry.dataloader import DataLoader

from graph.services import Services
from graph.settings import Settings
from store import Store
from store.records import UserRecord


@dataclass
class Context:
    services: Services
    # Cookies set here (login, logout) reach the client, through /graphql or the REST layer.
    response: web.StreamResponse
    user: UserRecord | None
    request: web.Request | None = None
    # A streaming door (the WebSocket) is told when a subscription has started listening, and
    # which one (its root field: `taskProgress`...).
    on_listening: Callable[[str], None] | None = None
    # One DataLoader per kind of nested record, created on first use and living for one request.
    _loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def now(self) -> float:
        return self.services.now()

    @property
    def is_admin(self) -> bool:
        return self.user is not None and self.user["role"] == "admin"

    def listening(self, kind: str) -> None:
        """Called by a subscription once it listens: no event published from now on is missed.
        `kind`: the subscription's field (`info.field_name`), for the door's metrics."""
        if self.on_listening is not None:
            self.on_listening(kind)

    def forget_loaders(self) -> None:
        """Drop what this context's loaders remember: a subscription's context lives on, and
        each of its messages must read the state of its own time."""
        self._loaders.clear()

    def loader(self, name: str, factory: Callable[[Store], DataLoader[Any, Any]]) -> DataLoader[Any, Any]:
        """This request's DataLoader called `name`, made by `factory(store)` the first time."""
        if name not in self._loaders:
            self._loaders[name] = factory(self.store)
        return self._loaders[name]

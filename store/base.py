"""`Store`: the one interface resolvers use, whatever the engine behind it."""
from __future__ import annotations

from abc import abstractmethod
from typing import Any

from store.repositories.datasets import DatasetRepository
from store.repositories.dump import DumpRepository
from store.repositories.events import EventRepository
from store.repositories.specs import SpecRepository
from store.repositories.throttle import LoginThrottleRepository
from store.repositories.users import UserRepository
from store.repositories.workflow import WorkflowRepository


class Store(UserRepository, LoginThrottleRepository, DatasetRepository, SpecRepository,
            WorkflowRepository, DumpRepository, EventRepository):
    """All repositories plus the lifecycle every engine shares."""

    #: "sqlite" or "mongodb", shown by /healthz and the CLI.
    engine: str

    @abstractmethod
    async def open(self) -> None:
        """Connect, create tables/indexes, check the stored version and migrate it.

        Raises StoreUnavailableError when the database cannot be reached or written, and
        StoreVersionError when it was written by a newer version.
        """

    @abstractmethod
    async def close(self) -> None:
        """Release connections and threads; the store cannot be used afterwards."""

    @abstractmethod
    async def health(self) -> dict[str, Any]:
        """A cheap round trip to the database: `{"engine", "version", ...}`; raises when down."""

    def counters(self) -> dict[str, int]:
        """This process's store counters for `/metrics`: `reads`, `lookups`, `writes` (calls
        made), `commits` (durable commits), `acknowledged` (writes answered after one) and
        `pending` (writes waiting for one). An engine that does not count returns {}."""
        return {}

    @abstractmethod
    async def stored_version(self) -> int:
        """The schema version recorded in the database (the `v` key, DbVersion)."""

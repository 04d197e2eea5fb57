"""The event log: what changed, in one order every server process and instance reads alike.

Live updates (GraphQL subscriptions) need every worker process of one server, and every instance
on one MongoDB, to see every change. Rather than a broker, the database that already holds the
state keeps a short log: writers append events (in batches), each process follows the log from a
cursor, and old events are pruned. An event names what changed (task, item, users concerned), not
its new state: a subscriber reads the state itself, so a lost or skipped event costs a refresh,
never a wrong value.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, TypedDict


class NewEvent(TypedDict):
    """An event to append: `kind` (claim, end, labels, reset …), the task it concerns and a small
    JSON `data` (data ids, job id, users to notify)."""

    at: float
    task_name: str
    kind: str
    data: dict[str, Any]


class EventRecord(NewEvent):
    """An appended event; `seq` is its position in the log (increasing, never reused)."""

    seq: int


class EventRepository(ABC):
    @abstractmethod
    async def append_events(self, events: Sequence[NewEvent]) -> list[int]:
        """Append `events` in order, as one write; their sequence numbers (increasing). Several
        processes may append at once: sequence numbers never repeat. On MongoDB two instances'
        appends may become visible out of sequence order for a moment (see `events_after`)."""

    @abstractmethod
    async def events_after(self, cursor: int, limit: int) -> list[EventRecord]:
        """At most `limit` events with `seq > cursor`, in sequence order. A follower must allow
        for a short-lived gap (a sequence number allocated but not yet visible)."""

    @abstractmethod
    async def last_event_seq(self) -> int:
        """The highest sequence number appended so far (0 when none): where a new follower starts."""

    @abstractmethod
    async def prune_events(self, before: float) -> int:
        """Delete the events appended before `before` (seconds); how many were deleted."""

"""`EventBus`: publishes this process's events to the store's log and follows the log for all.

`publish` only appends to a list and wakes the flusher: the request path never waits on the log.
The flusher writes whatever accumulated as one batch (`append_events`: one transaction, one
fsync on SQLite), then wakes the follower. The follower reads the log after its cursor (at once
when woken, every `live_poll_seconds` otherwise, for the other processes' and instances' events)
and hands each event to the listeners of its task and of the users it names. Listeners never
block the follower: each takes what it needs without waiting (see `graph.live.listeners`).

Every process follows the same log, so every subscriber sees the same events in the same order,
whichever process or instance published them. Events are notifications, not state: one lost in a
crash between a change and its flush costs a subscriber a stale view until the next change.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

from store import Store
from store.repositories.events import EventRecord, NewEvent

log = logging.getLogger("pixano_graph")

#: How many events the follower reads per round trip.
READ_BATCH = 500
#: On MongoDB a sequence number may be allocated before its event is visible: the follower waits
#: this long on a gap before it decides the event was lost (its writer died) and moves on.
GAP_WAIT_SECONDS = 2.0
#: Old events are pruned at most this often, by whichever process runs the follower.
PRUNE_EVERY_SECONDS = 60.0


class Listener(Protocol):
    def deliver(self, event: EventRecord) -> None:
        """Take the event without blocking (called on the event loop by the follower)."""


class EventBus:
    def __init__(self, store: Store, clock: Callable[[], float], poll_seconds: float,
                 retention_seconds: float) -> None:
        self._store = store
        self._clock = clock
        self._poll = poll_seconds
        self._retention = retention_seconds
        self._pending: list[NewEvent] = []
        self._flush_wake = asyncio.Event()
        self._follow_wake = asyncio.Event()
        self._by_task: dict[str, set[Listener]] = defaultdict(set)
        self._by_user: dict[str, set[Listener]] = defaultdict(set)
        self._tasks: list[asyncio.Task[None]] = []
        self._cursor = 0
        self._gap_since: float | None = None
        self._pruned_at = 0.0
        self.delivered = 0
        self._stopping = False

    async def start(self) -> None:
        self._cursor = await self._store.last_event_seq()
        self._tasks = [asyncio.create_task(self._flush_loop(), name="events-flush"),
                       asyncio.create_task(self._follow_loop(), name="events-follow")]

    async def stop(self) -> None:
        """Flush what is pending, then stop following."""
        # The flag, not only the cancellation, ends the loops: on Python 3.11 `wait_for` can
        # swallow a cancellation that arrives as its wait completes (the follower then looped
        # on, and this gather never returned: a test teardown hung on it).
        self._stopping = True
        self._follow_wake.set()
        self._flush_wake.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self._flush()

    # -- publishing ----------------------------------------------------------------------------

    def publish(self, task_name: str, kind: str, **data: Any) -> None:
        """Record that something of `task_name` changed; returns at once (see the module doc)."""
        self._pending.append(NewEvent(at=self._clock(), task_name=task_name, kind=kind, data=data))
        self._flush_wake.set()

    async def _flush_loop(self) -> None:
        while not self._stopping:
            await self._flush_wake.wait()
            if self._stopping:
                return  # stop() flushes what is left itself
            self._flush_wake.clear()
            await self._flush()

    async def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            seqs = await self._store.append_events(batch)
        except Exception:  # the store is down: the changes may be too; subscribers resync later
            log.exception("could not append %d events to the log", len(batch))
            seqs = []
        if seqs and not self._by_task and not self._by_user:
            # Nobody listens here: what the follower would read back is known (a listener
            # arriving later starts from now). This spares every write a second hop to the
            # database only to learn the last sequence number.
            self._cursor = max(self._cursor, seqs[-1])
        else:
            self._follow_wake.set()

    # -- following -----------------------------------------------------------------------------

    def listen(self, listener: Listener, task_name: str | None = None,
               username: str | None = None) -> Callable[[], None]:
        """Deliver the events of `task_name` (or naming `username`) to `listener`; the function
        returned stops it."""
        index, key = (self._by_task, task_name) if task_name is not None else (self._by_user,
                                                                                username)
        assert key is not None
        index[key].add(listener)

        def stop() -> None:
            index[key].discard(listener)
            if not index[key]:
                del index[key]

        return stop

    @property
    def listeners(self) -> int:
        return sum(map(len, self._by_task.values())) + sum(map(len, self._by_user.values()))

    async def _follow_loop(self) -> None:
        while not self._stopping:
            try:
                async with asyncio.timeout(self._poll):
                    await self._follow_wake.wait()
            except TimeoutError:
                pass
            if self._stopping:
                return
            self._follow_wake.clear()
            try:
                await self._follow()
            except Exception:  # keep following: the next round may find the store back
                log.exception("could not read the event log")

    async def _follow(self) -> None:
        if not self._by_task and not self._by_user:
            # Nobody listens here: skip the log (a listener arriving later starts from now).
            self._cursor = max(self._cursor, await self._store.last_event_seq())
        else:
            while await self._read_some() == READ_BATCH:
                pass
        await self._prune()

    async def _read_some(self) -> int:
        events = await self._store.events_after(self._cursor, READ_BATCH)
        for event in events:
            if event["seq"] != self._cursor + 1:
                now = time.monotonic()
                self._gap_since = self._gap_since or now
                if now - self._gap_since < GAP_WAIT_SECONDS:
                    return 0  # wait for the missing event to appear
            self._gap_since = None
            self._cursor = event["seq"]
            self._dispatch(event)
        return len(events)

    def _dispatch(self, event: EventRecord) -> None:
        targets = set(self._by_task.get(event["task_name"], ()))
        for username in event["data"].get("users", ()):
            targets |= self._by_user.get(username, set())
        for listener in targets:
            listener.deliver(event)
        self.delivered += len(targets)

    async def _prune(self) -> None:
        now = time.monotonic()
        if now - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = now
        await self._store.prune_events(self._clock() - self._retention)

"""How a subscription takes events from the bus without ever making it wait.

`QueueListener`: a bounded queue per subscription. When a subscriber does not keep up and the
queue is full, its queued events are dropped and it is told to resync (`OVERFLOW`): a stuck
subscriber costs only its own memory, bounded, and never slows the follower or anyone else.

`ProgressFeed`: one per task and process, shared by all its `taskProgress` subscribers. It
recomputes the task's progress at most once per interval however many events arrive and however
many subscribe, and each subscriber keeps only the latest value (a slot, not a queue): a slow one
simply skips the values it was too slow to see.
"""
from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from graph.live.bus import EventBus
from store.repositories.events import EventRecord

#: What `QueueListener.get` returns after events were dropped: the subscriber must resync.
OVERFLOW: Any = type("Overflow", (), {"__repr__": lambda self: "OVERFLOW"})()

T = TypeVar("T")


class QueueListener:
    def __init__(self, size: int, accept: Callable[[EventRecord], bool] = lambda e: True) -> None:
        self._events: deque[EventRecord] = deque()
        self._size = size
        self._accept = accept
        self._overflowed = False
        self._ready = asyncio.Event()

    def deliver(self, event: EventRecord) -> None:
        if not self._accept(event):
            return
        if len(self._events) >= self._size:
            self._events.clear()
            self._overflowed = True
        else:
            self._events.append(event)
        self._ready.set()

    async def get(self) -> EventRecord | Any:
        """The next event, or OVERFLOW once after events were dropped."""
        while True:
            if self._overflowed:
                self._overflowed = False
                return OVERFLOW
            if self._events:
                return self._events.popleft()
            self._ready.clear()
            await self._ready.wait()


class Slot(Generic[T]):
    """The latest value, and whether the subscriber has seen it."""

    def __init__(self) -> None:
        self.value: T | None = None
        self._fresh = asyncio.Event()

    def put(self, value: T) -> None:
        self.value = value
        self._fresh.set()

    async def take(self) -> T:
        await self._fresh.wait()
        self._fresh.clear()
        assert self.value is not None
        return self.value


#: Kinds of event that can change a task's status counts or label totals.
PROGRESS_KINDS = frozenset({"end", "labels", "reset"})


class ProgressFeed(Generic[T]):
    """The progress of one task for this process's subscribers (see the module docstring)."""

    def __init__(self, compute: Callable[[], Awaitable[T]], interval: float) -> None:
        self._compute = compute
        self._interval = interval
        self._slots: set[Slot[T]] = set()
        self._dirty = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.latest: T | None = None

    def deliver(self, event: EventRecord) -> None:
        if event["kind"] in PROGRESS_KINDS:
            self._dirty.set()

    def add(self, slot: Slot[T]) -> None:
        self._slots.add(slot)
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="progress-feed")

    def remove(self, slot: Slot[T]) -> bool:
        """Forget `slot`; True when it was the last one (the feed has stopped)."""
        self._slots.discard(slot)
        if self._slots or self._task is None:
            return not self._slots
        self._task.cancel()
        self._task = None
        return True

    async def refresh(self) -> T:
        self.latest = await self._compute()
        return self.latest

    async def _run(self) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            before = self.latest
            value = await self.refresh()
            if value != before:  # an end and its label save often land in one read
                for slot in list(self._slots):
                    slot.put(value)
            await asyncio.sleep(self._interval)


#: How many shared reads `LiveState.read_once` remembers.
SHARED_READS = 1024


class LiveState:
    """What the subscriptions of one process share: the progress feeds, by task name (created on
    first subscription), and reads made once per event for every subscriber (`read_once`)."""

    def __init__(self, bus: EventBus, interval: float) -> None:
        self._bus = bus
        self._interval = interval
        self._feeds: dict[str, tuple[ProgressFeed[Any], Callable[[], None]]] = {}
        self._reads: dict[Any, asyncio.Future[Any]] = {}

    async def read_once(self, key: Any, read: Callable[[], Awaitable[T]]) -> T:
        """`read()`, shared by every caller asking for the same `key` while it is remembered."""
        future = self._reads.get(key)
        if future is None:
            future = asyncio.ensure_future(read())
            self._reads[key] = future
            if len(self._reads) > SHARED_READS:
                del self._reads[next(iter(self._reads))]
        return await asyncio.shield(future)

    def join(self, task_name: str, compute: Callable[[], Awaitable[T]],
             slot: Slot[T]) -> ProgressFeed[T]:
        if task_name not in self._feeds:
            feed: ProgressFeed[Any] = ProgressFeed(compute, self._interval)
            self._feeds[task_name] = (feed, self._bus.listen(feed, task_name=task_name))
        feed = self._feeds[task_name][0]
        feed.add(slot)
        return feed

    def leave(self, task_name: str, slot: Slot[Any]) -> None:
        feed, stop = self._feeds[task_name]
        if feed.remove(slot):
            stop()
            del self._feeds[task_name]

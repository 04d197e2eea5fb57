"""The subscriptions: `taskProgress`, `resultChanged` and `myWork`.

Each resolver checks what the matching query would (the task exists; the permission classes on
the field check the caller) and registers its listener before it returns (and says so:
`ctx.listening(kind)`), so an operation that was accepted misses no event published after that. It returns the stream of messages, which
unregisters when the subscription ends (completed by the client, or the socket closed).
"""
from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Annotated, Any

import strawberry

from graph.jobs.types import Job
from graph.live.listeners import OVERFLOW, QueueListener, Slot
from graph.labels.types import LabelTotals
from graph.live.types import (
    ResultChange,
    TaskProgress,
    WorkNotice,
    WorkNoticeKind,
)
from graph.results.types import Result, ResultFilter
from graph.tasks.types import StatusCounts
from resolvers.results.queries import store_filter
from resolvers.tasks.lookup import require_task
from store import Store
from store.records import TaskRecord
from store.repositories.events import EventRecord


# -- taskProgress ------------------------------------------------------------------------------

async def task_progress(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task to follow.")],
) -> AsyncGenerator[TaskProgress, None]:
    ctx = info.context
    await require_task(ctx, task_name)
    store: Store = ctx.store
    slot: Slot[TaskProgress] = Slot()
    feed = ctx.services.live.join(task_name, lambda: _progress(store, task_name), slot)
    first = feed.latest or await feed.refresh()
    ctx.listening(info.field_name)
    return _progress_stream(ctx, task_name, slot, first)


async def _progress(store: Store, task_name: str) -> TaskProgress:
    counts = (await store.get_status_counts([task_name]))[0]
    totals = await store.get_label_totals(task_name)
    return TaskProgress(
        task_name=task_name, status_counts=StatusCounts.from_record(counts),
        label_totals=LabelTotals.from_totals(totals))


async def _progress_stream(ctx: Any, task_name: str, slot: Slot[TaskProgress],
                           first: TaskProgress) -> AsyncGenerator[TaskProgress, None]:
    try:
        yield first
        while True:
            yield await slot.take()
    finally:
        ctx.services.live.leave(task_name, slot)


# -- resultChanged -----------------------------------------------------------------------------

#: Kinds of event after which a result may look different.
RESULT_KINDS = frozenset({"claim", "interrupt", "end", "labels", "reset"})


async def result_changed(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task to follow.")],
        filter: Annotated[ResultFilter | None, strawberry.argument(
            description="Only rows matching this filter carry their result.")] = None,
) -> AsyncGenerator[ResultChange, None]:
    ctx = info.context
    task = await require_task(ctx, task_name)
    listener = QueueListener(ctx.settings.live_queue_size, lambda e: e["kind"] in RESULT_KINDS)
    stop = ctx.services.events.listen(listener, task_name=task_name)
    ctx.listening(info.field_name)
    return _result_stream(ctx, task, store_filter(filter), listener, stop)


async def _result_stream(ctx: Any, task: TaskRecord, wanted: Any, listener: QueueListener,
                         stop: Callable[[], None]) -> AsyncGenerator[ResultChange, None]:
    name = task["name"]
    resync = ResultChange(task_name=name, data_id=None, result=None, labels_changed=False,
                          resync=True)
    try:
        while True:
            event = await listener.get()
            ids = _changed_ids(event)
            if ids is None:
                yield resync
                continue
            for data_id in ids:
                # Every subscriber of this process reads the same row for the same event: once.
                state = await ctx.services.live.read_once(
                    (event["seq"], data_id), lambda d=data_id: ctx.store.get_result(name, d))
                if state is None:
                    continue
                ctx.forget_loaders()
                shown = Result.from_state(state, task["dataset_id"]) if wanted.matches(state) else None
                yield ResultChange(task_name=name, data_id=strawberry.ID(data_id), result=shown,
                                   labels_changed=event["kind"] == "labels", resync=False)
    finally:
        stop()


def _changed_ids(event: EventRecord | Any) -> list[str] | None:
    """The items an event changed; None when the subscriber must resync instead."""
    if event is OVERFLOW:
        return None
    if event["kind"] == "reset":
        return event["data"]["data_ids"]
    return [event["data"]["data_id"]]


# -- myWork ------------------------------------------------------------------------------------

async def my_work(info: strawberry.Info) -> AsyncGenerator[WorkNotice, None]:
    ctx = info.context
    me = ctx.user["username"]
    watch = _WorkWatch(ctx, me)
    await watch.reload()
    ctx.listening(info.field_name)
    return watch.stream()


class _WorkWatch:
    """What `myWork` follows: events naming the user (their claims and ends, rejections queued
    for them) and, in the tasks where they hold a job, every claim (a takeover of their job)."""

    def __init__(self, ctx: Any, me: str) -> None:
        self.ctx = ctx
        self.me = me
        self.held: dict[str, str] = {}  # job id -> task name
        self.listener = QueueListener(
            ctx.settings.live_queue_size,
            lambda e: e["kind"] in ("claim", "reset") or me in e["data"].get("users", ()))
        self.stops = [ctx.services.events.listen(self.listener, username=me)]
        self.tasks: set[str] = set()

    async def reload(self) -> None:
        """Read which jobs the user holds now (at the start, after a batch or a resync)."""
        assignments = (await self.ctx.store.get_assignments([self.me]))[0]
        self.held = {job_id: key.rsplit("/", 1)[0]
                     for key, job_id in assignments["curr_assigned_jobs"].items()}
        for task_name in set(self.held.values()):
            self._follow(task_name)

    def _follow(self, task_name: str) -> None:
        if task_name not in self.tasks:
            self.tasks.add(task_name)
            self.stops.append(self.ctx.services.events.listen(self.listener, task_name=task_name))

    async def stream(self) -> AsyncGenerator[WorkNotice, None]:
        try:
            while True:
                notice = await self._notice(await self.listener.get())
                if notice is not None:
                    self.ctx.forget_loaders()
                    yield notice
        finally:
            for stop in self.stops:
                stop()

    async def _notice(self, event: EventRecord | Any) -> WorkNotice | None:
        if event is OVERFLOW:
            await self.reload()
            return WorkNotice(kind=WorkNoticeKind.RESYNC, task_name=None, job=None)
        task_name, kind, data = event["task_name"], event["kind"], event["data"]
        if kind == "reset":
            if task_name in self.held.values():
                await self.reload()
            return None
        if kind == "claim":
            if data["holder"] == self.me:
                self.held[data["job_id"]] = task_name
                self._follow(task_name)
                return None
            if self.held.pop(data["job_id"], None) is None:
                return None
            return await self._with_job(WorkNoticeKind.TAKEN_OVER, task_name, data["job_id"])
        if kind == "end":
            self.held.pop(data["job_id"], None)
            if data["queued_for"] == self.me:
                return await self._with_job(WorkNoticeKind.QUEUED, task_name, data["next_job_id"])
        return None

    async def _with_job(self, kind: WorkNoticeKind, task_name: str, job_id: str) -> WorkNotice:
        job = await self.ctx.store.get_job(task_name, job_id)
        return WorkNotice(kind=kind, task_name=task_name,
                          job=Job.from_record(job) if job else None)

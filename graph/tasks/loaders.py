"""Per-request DataLoaders of tasks and their status counts: a `tasks { statusCounts }` listing
costs one batched read of the stored counters, whatever the number of tasks; the jobs of one
answer (a submit and the next job) read their task once."""
from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from store import Store
from store.records import TaskRecord
from store.repositories.workflow_types import StatusCounts


def _status_counts(store: Store) -> DataLoader[str, StatusCounts | None]:
    async def load(names: list[str]) -> list[StatusCounts | None]:
        return await store.get_status_counts(names)

    return DataLoader(load_fn=load)


def status_counts_loader(ctx: Any) -> DataLoader[str, StatusCounts | None]:
    """Status counts by task name (None for an unknown task)."""
    return ctx.loader("task_status_counts", _status_counts)


def _tasks(store: Store) -> DataLoader[str, TaskRecord | None]:
    async def load(names: list[str]) -> list[TaskRecord | None]:
        return [await store.get_task(name) for name in names]

    return DataLoader(load_fn=load)


def task_loader(ctx: Any) -> DataLoader[str, TaskRecord | None]:
    """Tasks by name (None for an unknown task)."""
    return ctx.loader("tasks", _tasks)

"""Per-request DataLoader of tasks' status counts: a `tasks { statusCounts }` listing costs one
batched read of the stored counters, whatever the number of tasks."""
from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from store import Store
from store.repositories.workflow_types import StatusCounts


def _status_counts(store: Store) -> DataLoader[str, StatusCounts | None]:
    async def load(names: list[str]) -> list[StatusCounts | None]:
        return await store.get_status_counts(names)

    return DataLoader(load_fn=load)


def status_counts_loader(ctx: Any) -> DataLoader[str, StatusCounts | None]:
    """Status counts by task name (None for an unknown task)."""
    return ctx.loader("task_status_counts", _status_counts)

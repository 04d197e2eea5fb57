"""Per-request DataLoader of results (an item's workflow state) by (task_name, data_id): a page of
jobs selecting `result`, or a batch's payload selecting `results`, costs one batched store read
per task, however many items."""
from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from graph.loaders import by_parent
from store import Store
from store.repositories.workflow_types import ResultState


def _results(store: Store) -> DataLoader[tuple[str, str], ResultState | None]:
    return DataLoader(load_fn=by_parent(store.get_results))


def result_loader(ctx: Any) -> DataLoader[tuple[str, str], ResultState | None]:
    """Results by (task_name, data_id) (None for an unknown item)."""
    return ctx.loader("results", _results)

"""Per-request DataLoader of items' labels by (task_name, data_id): jobs listed with their
`labels` (a user's assignments, a page) cost one batched store read per task."""
from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from graph.loaders import by_parent
from store import Store
from store.records import LabelRecord


def _labels(store: Store) -> DataLoader[tuple[str, str], LabelRecord | None]:
    return DataLoader(load_fn=by_parent(store.get_labels_many))


def labels_loader(ctx: Any) -> DataLoader[tuple[str, str], LabelRecord | None]:
    """Labels by (task_name, data_id) (None for an item without labels)."""
    return ctx.loader("labels", _labels)

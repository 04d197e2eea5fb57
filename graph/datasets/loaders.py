"""Per-request DataLoaders for records other domains nest (a task's dataset and spec, a result's
data item): however many are asked in one query, each kind costs one batched store read.

Use: `await dataset_loader(info.context).load(dataset_id)` -> DatasetRecord | None.
"""
from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from graph.loaders import by_parent
from store import Store
from store.records import DataRecord, DatasetRecord, SpecRecord


def _datasets(store: Store) -> DataLoader[str, DatasetRecord | None]:
    async def load(ids: list[str]) -> list[DatasetRecord | None]:
        return await store.get_datasets(ids)

    return DataLoader(load_fn=load)


def _specs(store: Store) -> DataLoader[str, SpecRecord | None]:
    async def load(ids: list[str]) -> list[SpecRecord | None]:
        return await store.get_specs(ids)

    return DataLoader(load_fn=load)


def _data_items(store: Store) -> DataLoader[tuple[str, str], DataRecord | None]:
    return DataLoader(load_fn=by_parent(store.get_data_items))


def _item_counts(store: Store) -> DataLoader[str, int]:
    async def load(ids: list[str]) -> list[int]:
        return await store.count_data_items(ids)

    return DataLoader(load_fn=load)


def dataset_loader(ctx: Any) -> DataLoader[str, DatasetRecord | None]:
    """Datasets by id."""
    return ctx.loader("datasets", _datasets)


def spec_loader(ctx: Any) -> DataLoader[str, SpecRecord | None]:
    """Specs by id."""
    return ctx.loader("specs", _specs)


def data_item_loader(ctx: Any) -> DataLoader[tuple[str, str], DataRecord | None]:
    """Data items by (dataset_id, data_id)."""
    return ctx.loader("data_items", _data_items)


def item_count_loader(ctx: Any) -> DataLoader[str, int]:
    """Item counts by dataset id (Dataset.itemCount in listings)."""
    return ctx.loader("dataset_item_counts", _item_counts)

"""The datasets part of the store contract, run on both engines."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest

from store import DuplicateKeyError, Store
from store.records import DataRecord, DatasetRecord
from store.repositories.datasets import DeleteOutcome


def _dataset(dataset_id: str = "ds1", path: str = "images/", data_type: str = "image") -> DatasetRecord:
    return {"id": dataset_id, "path": path, "data_type": data_type}


def _item(dataset_id: str, order: int, item_id: str | None = None) -> DataRecord:
    return {"id": item_id or f"i{order:04d}", "dataset_id": dataset_id, "type": "image",
            "path": f"/data/images/{order:04d}.jpg", "children": [], "thumbnail": f"thumb{order}",
            "order": order}


async def _batches(items: list[DataRecord], size: int = 3) -> AsyncIterator[Sequence[DataRecord]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def _create(store: Store, dataset: DatasetRecord, count: int) -> list[DataRecord]:
    items = [_item(dataset["id"], n) for n in range(count)]
    assert await store.create_dataset(dataset, _batches(items)) == count
    return items


async def test_create_get_find_list(store: Store) -> None:
    items = await _create(store, _dataset(), 7)
    await _create(store, _dataset("ds2", "images/", "sequence_image"), 0)
    await _create(store, _dataset("ds0", "a/", "pcl"), 2)
    assert await store.get_dataset("ds1") == _dataset()
    assert await store.get_dataset("nope") is None
    assert await store.find_dataset("images/", "image") == _dataset()
    assert await store.find_dataset("images/", "pcl") is None
    assert [d["id"] for d in await store.list_datasets()] == ["ds0", "ds1", "ds2"]
    assert await store.get_datasets(["ds2", "nope", "ds1"]) == [
        _dataset("ds2", "images/", "sequence_image"), None, _dataset()]
    assert await store.count_data_items(["ds1", "ds2", "nope", "ds0"]) == [7, 0, 0, 2]
    assert await store.get_data_items("ds1", ["i0003", "zzz", "i0000"]) == [items[3], None, items[0]]
    assert await store.get_data_items("ds0", ["i0003"]) == [None]


async def test_data_ids_and_pages_follow_order_not_insertion(store: Store) -> None:
    # Inserted out of order, with ids that do not sort like the order.
    items = [_item("ds1", order, f"id{(7 * order) % 10}") for order in (4, 0, 9, 2, 1, 3, 8, 5, 7, 6)]
    await store.create_dataset(_dataset(), _batches(items, 4))
    by_order = sorted(items, key=lambda i: i["order"])
    assert await store.list_data_ids("ds1") == [i["id"] for i in by_order]
    assert await store.list_data_ids("nope") == []

    page = await store.list_data_items("ds1", 4)
    assert (page.items, page.total, page.has_next) == (by_order[:4], 10, True)
    page = await store.list_data_items("ds1", 4, after_order=page.items[-1]["order"])
    assert (page.items, page.has_next) == (by_order[4:8], True)
    page = await store.list_data_items("ds1", 4, after_order=page.items[-1]["order"])
    assert (page.items, page.has_next) == (by_order[8:], False)
    page = await store.list_data_items("ds1", 5, after_order=4)
    assert (page.items, page.has_next) == (by_order[5:], False)
    empty = await store.list_data_items("nope", 5)
    assert (empty.items, empty.total, empty.has_next) == ([], 0, False)


async def test_duplicate_path_and_type_is_refused_and_leaves_no_items(store: Store) -> None:
    await _create(store, _dataset(), 3)
    other = [_item("ds9", n, f"x{n}") for n in range(5)]
    with pytest.raises(DuplicateKeyError):
        await store.create_dataset(_dataset("ds9"), _batches(other))
    assert await store.get_dataset("ds9") is None
    assert await store.list_data_ids("ds9") == []
    assert await store.get_data_items("ds9", ["x0"]) == [None]
    assert await store.list_data_ids("ds1") == ["i0000", "i0001", "i0002"]


async def test_a_failing_scan_leaves_no_dataset_and_no_item(store: Store) -> None:
    async def failing() -> AsyncIterator[Sequence[DataRecord]]:
        yield [_item("ds1", 0), _item("ds1", 1)]
        yield [_item("ds1", 2)]
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="disk went away"):
        await store.create_dataset(_dataset(), failing())
    assert await store.get_dataset("ds1") is None
    assert await store.find_dataset("images/", "image") is None
    assert await store.list_data_ids("ds1") == []
    assert await store.list_datasets() == []
    # The same path can then be created for real.
    await _create(store, _dataset(), 2)
    assert await store.list_data_ids("ds1") == ["i0000", "i0001"]


async def test_a_taken_dataset_id_never_touches_the_existing_items(store: Store) -> None:
    await _create(store, _dataset(), 3)
    with pytest.raises(DuplicateKeyError):
        await store.create_dataset(_dataset("ds1", "other/"), _batches([_item("ds1", 7, "new")]))
    assert await store.list_data_ids("ds1") == ["i0000", "i0001", "i0002"]
    assert await store.find_dataset("other/", "image") is None


async def test_repeated_item_id_aborts_the_whole_dataset(store: Store) -> None:
    items = [_item("ds1", 0, "same"), _item("ds1", 1, "other"), _item("ds1", 2, "same")]
    with pytest.raises(DuplicateKeyError):
        await store.create_dataset(_dataset(), _batches(items, 1))
    assert await store.get_dataset("ds1") is None
    assert await store.list_data_ids("ds1") == []


async def test_concurrent_creations_of_one_path_keep_exactly_one(store: Store) -> None:
    async def attempt(n: int) -> str | None:
        dataset = _dataset(f"ds{n}")
        try:
            await store.create_dataset(dataset, _batches([_item(dataset["id"], k) for k in range(4)]))
        except DuplicateKeyError:
            return None
        return dataset["id"]

    winners = [w for w in await asyncio.gather(*(attempt(n) for n in range(8))) if w]
    assert len(winners) == 1
    assert [d["id"] for d in await store.list_datasets()] == winners
    for n in range(8):
        expected = 4 if f"ds{n}" in winners else 0
        assert len(await store.list_data_ids(f"ds{n}")) == expected


async def test_delete_removes_items_and_reports_missing(store: Store) -> None:
    await _create(store, _dataset(), 5)
    await _create(store, _dataset("keep", "other/"), 2)
    assert await store.delete_dataset("ds1") == DeleteOutcome.DELETED
    assert await store.get_dataset("ds1") is None
    assert await store.list_data_ids("ds1") == []
    assert await store.get_data_items("ds1", ["i0000"]) == [None]
    assert await store.delete_dataset("ds1") == DeleteOutcome.NOT_FOUND
    assert await store.list_data_ids("keep") == ["i0000", "i0001"]
    # The path is free again.
    await _create(store, _dataset("ds1b"), 1)
    assert (await store.find_dataset("images/", "image"))["id"] == "ds1b"


async def _use_in_task(store: Store, dataset_id: str = "", spec_id: str = "") -> None:
    """A task referring to this dataset or spec (its items do not matter here)."""
    await store.create_task({"name": "t1", "spec_id": spec_id, "dataset_id": dataset_id}, [], 0.0)


async def test_a_dataset_used_by_a_task_is_not_deleted(store: Store) -> None:
    await _create(store, _dataset(), 3)
    await _use_in_task(store, dataset_id="ds1")
    assert await store.delete_dataset("ds1") == DeleteOutcome.IN_USE
    assert await store.get_dataset("ds1") == _dataset()
    assert len(await store.list_data_ids("ds1")) == 3

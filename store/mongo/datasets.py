"""Datasets on the MongoDB engine."""
from __future__ import annotations

from collections.abc import AsyncIterable, Sequence
from typing import Any

from pymongo.errors import BulkWriteError
from pymongo.errors import DuplicateKeyError as MongoDuplicateKeyError

from store.errors import DuplicateKeyError
from store.records import DataRecord, DatasetRecord
from store.repositories.datasets import (DataPage, DatasetRepository, DeleteOutcome,
                                         duplicate_dataset)

# `item_count` is a counter kept beside the DbDataset record, never returned as part of it.
DATASET_FIELDS = {"_id": 0, "item_count": 0}
NO_ID = {"_id": 0}


class MongoDatasets(DatasetRepository):
    def __init__(self, db: Any) -> None:
        """`db`: a Motor database (or mongomock-motor's)."""
        self._db = db

    async def create_dataset(self, dataset: DatasetRecord,
                             batches: AsyncIterable[Sequence[DataRecord]]) -> int:
        dataset_id = dataset["id"]
        count = 0
        if await self._db.datasets.find_one({"id": dataset_id}, {"_id": 1}):
            raise DuplicateKeyError(f"a dataset with id {dataset_id!r} already exists")
        try:
            async for batch in batches:
                if batch:
                    # insert_many adds `_id` to the documents it is given: hand it copies.
                    await self._db.data.insert_many([dict(item) for item in batch], ordered=True)
                    count += len(batch)
            # Written last: until this insert the items belong to no visible dataset.
            await self._db.datasets.insert_one({**dataset, "item_count": count})
        except BaseException as exc:
            if not await self._db.datasets.find_one({"id": dataset_id}, {"_id": 1}):
                await self._db.data.delete_many({"dataset_id": dataset_id})
            if isinstance(exc, (MongoDuplicateKeyError, BulkWriteError)):
                raise duplicate_dataset(dataset) from exc
            raise
        return count

    async def get_dataset(self, dataset_id: str) -> DatasetRecord | None:
        return await self._db.datasets.find_one({"id": dataset_id}, DATASET_FIELDS)

    async def get_datasets(self, dataset_ids: Sequence[str]) -> list[DatasetRecord | None]:
        found = {d["id"]: d async for d in self._db.datasets.find(
            {"id": {"$in": list(set(dataset_ids))}}, DATASET_FIELDS)}
        return [found.get(i) for i in dataset_ids]

    async def find_dataset(self, path: str, data_type: str) -> DatasetRecord | None:
        return await self._db.datasets.find_one({"path": path, "data_type": data_type},
                                                DATASET_FIELDS)

    async def list_datasets(self) -> list[DatasetRecord]:
        return await self._db.datasets.find({}, DATASET_FIELDS).sort(
            [("path", 1), ("data_type", 1)]).to_list(None)

    async def count_data_items(self, dataset_ids: Sequence[str]) -> list[int]:
        counts = {d["id"]: d.get("item_count", 0) async for d in self._db.datasets.find(
            {"id": {"$in": list(set(dataset_ids))}}, {"_id": 0, "id": 1, "item_count": 1})}
        return [counts.get(i, 0) for i in dataset_ids]

    async def delete_dataset(self, dataset_id: str) -> DeleteOutcome:
        # MongoDB has no cross-collection condition without a transaction: check, then delete the
        # record first (the dataset disappears at once), then its items.
        if await self._db.tasks.find_one({"dataset_id": dataset_id}, {"_id": 1}):
            return DeleteOutcome.IN_USE
        result = await self._db.datasets.delete_one({"id": dataset_id})
        if result.deleted_count == 0:
            return DeleteOutcome.NOT_FOUND
        await self._db.data.delete_many({"dataset_id": dataset_id})
        return DeleteOutcome.DELETED

    async def list_data_ids(self, dataset_id: str) -> list[str]:
        cursor = self._db.data.find({"dataset_id": dataset_id}, {"_id": 0, "id": 1}).sort("order", 1)
        return [d["id"] async for d in cursor]

    async def get_data_items(self, dataset_id: str, ids: Sequence[str]) -> list[DataRecord | None]:
        found = {d["id"]: d async for d in self._db.data.find(
            {"dataset_id": dataset_id, "id": {"$in": list(set(ids))}}, NO_ID)}
        return [found.get(i) for i in ids]

    async def list_data_items(self, dataset_id: str, first: int, after_order: int | None = None,
                              backward: bool = False) -> DataPage:
        query: dict[str, Any] = {"dataset_id": dataset_id}
        if after_order is not None:
            query["order"] = {"$lt" if backward else "$gt": after_order}
        rows = await self._db.data.find(query, NO_ID).sort(
            "order", -1 if backward else 1).limit(first + 1).to_list(None)
        total = (await self.count_data_items([dataset_id]))[0]
        items = rows[:first]
        if backward:
            items.reverse()
        return DataPage(items=items, total=total, has_next=len(rows) > first)

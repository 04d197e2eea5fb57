"""Datasets on the embedded engine."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterable, Sequence
from functools import partial

from store.errors import DuplicateKeyError
from store.records import DataRecord, DatasetRecord
from store.repositories.datasets import (DataPage, DatasetRepository, DeleteOutcome,
                                         duplicate_dataset)
from store.sqlite.database import SqliteDatabase
from store.sqlite.in_lists import select_in

def _insert_items(c: sqlite3.Connection, rows: list[tuple[str, str, int, str]]) -> None:
    c.executemany("INSERT INTO data_items (dataset_id, id, ord, doc) VALUES (?, ?, ?, ?)", rows)


class SqliteDatasets(DatasetRepository):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def create_dataset(self, dataset: DatasetRecord,
                             batches: AsyncIterable[Sequence[DataRecord]]) -> int:
        dataset_id = dataset["id"]
        count = 0
        if await self.get_dataset(dataset_id) is not None:
            raise DuplicateKeyError(f"a dataset with id {dataset_id!r} already exists")
        try:
            async for batch in batches:
                rows = [(dataset_id, item["id"], item["order"], json.dumps(item)) for item in batch]
                if rows:
                    await self._db.write(partial(_insert_items, rows=rows))
                    count += len(rows)

            def publish(c: sqlite3.Connection) -> None:
                c.execute("INSERT INTO datasets (id, path, data_type, item_count, doc)"
                          " VALUES (?, ?, ?, ?, ?)",
                          (dataset_id, dataset["path"], dataset["data_type"], count,
                           json.dumps(dataset)))

            await self._db.write(publish)
        except BaseException as exc:
            await self._db.write(lambda c: c.execute(
                "DELETE FROM data_items WHERE dataset_id = ?"
                " AND NOT EXISTS (SELECT 1 FROM datasets WHERE id = ?)", (dataset_id, dataset_id)))
            if isinstance(exc, sqlite3.IntegrityError):
                raise duplicate_dataset(dataset) from exc
            raise
        return count

    async def get_dataset(self, dataset_id: str) -> DatasetRecord | None:
        row = await self._db.read(lambda c: c.execute(
            "SELECT doc FROM datasets WHERE id = ?", (dataset_id,)).fetchone())
        return json.loads(row[0]) if row else None

    async def get_datasets(self, dataset_ids: Sequence[str]) -> list[DatasetRecord | None]:
        found = await self._db.read(lambda c: self._docs_by_id(c, "datasets", "id", dataset_ids))
        return [found.get(i) for i in dataset_ids]

    @staticmethod
    def _docs_by_id(c: sqlite3.Connection, table: str, column: str,
                    ids: Sequence[str], where: str = "", params: tuple = ()) -> dict:
        return {key: json.loads(doc) for key, doc in select_in(
            c, f"SELECT {column}, doc FROM {table} WHERE {where}{column} IN ({{marks}})", params, ids)}

    async def find_dataset(self, path: str, data_type: str) -> DatasetRecord | None:
        row = await self._db.read(lambda c: c.execute(
            "SELECT doc FROM datasets WHERE path = ? AND data_type = ?",
            (path, data_type)).fetchone())
        return json.loads(row[0]) if row else None

    async def list_datasets(self) -> list[DatasetRecord]:
        rows = await self._db.read(lambda c: c.execute(
            "SELECT doc FROM datasets ORDER BY path, data_type").fetchall())
        return [json.loads(r[0]) for r in rows]

    async def count_data_items(self, dataset_ids: Sequence[str]) -> list[int]:
        counts: dict[str, int] = await self._db.read(lambda c: dict(select_in(
            c, "SELECT id, item_count FROM datasets WHERE id IN ({marks})", (), dataset_ids)))
        return [counts.get(i, 0) for i in dataset_ids]

    async def delete_dataset(self, dataset_id: str) -> DeleteOutcome:
        def delete(c: sqlite3.Connection) -> DeleteOutcome:
            # One IMMEDIATE transaction: no task can start using it between the check and the delete.
            if c.execute("SELECT 1 FROM tasks WHERE dataset_id = ? LIMIT 1", (dataset_id,)).fetchone():
                return DeleteOutcome.IN_USE
            if c.execute("DELETE FROM datasets WHERE id = ?", (dataset_id,)).rowcount == 0:
                return DeleteOutcome.NOT_FOUND
            c.execute("DELETE FROM data_items WHERE dataset_id = ?", (dataset_id,))
            return DeleteOutcome.DELETED

        return await self._db.write(delete)

    async def list_data_ids(self, dataset_id: str) -> list[str]:
        rows = await self._db.read(lambda c: c.execute(
            "SELECT id FROM data_items WHERE dataset_id = ? ORDER BY ord", (dataset_id,)).fetchall())
        return [r[0] for r in rows]

    async def get_data_items(self, dataset_id: str, ids: Sequence[str]) -> list[DataRecord | None]:
        found = await self._db.read(lambda c: self._docs_by_id(
            c, "data_items", "id", ids, "dataset_id = ? AND ", (dataset_id,)))
        return [found.get(i) for i in ids]

    async def list_data_items(self, dataset_id: str, first: int, after_order: int | None = None,
                              backward: bool = False) -> DataPage:
        def read(c: sqlite3.Connection) -> DataPage:
            row = c.execute("SELECT item_count FROM datasets WHERE id = ?", (dataset_id,)).fetchone()
            if backward:
                rows = c.execute(
                    "SELECT doc FROM data_items WHERE dataset_id = ? AND ord < ? "
                    "ORDER BY ord DESC LIMIT ?",
                    (dataset_id, 2**62 if after_order is None else after_order, first + 1)
                ).fetchall()
            else:
                rows = c.execute(
                    "SELECT doc FROM data_items WHERE dataset_id = ? AND ord > ? ORDER BY ord LIMIT ?",
                    (dataset_id, -1 if after_order is None else after_order, first + 1)).fetchall()
            items = [json.loads(r[0]) for r in rows[:first]]
            if backward:
                items.reverse()
            return DataPage(items=items, total=row[0] if row else 0, has_next=len(rows) > first)

        return await self._db.read(read)

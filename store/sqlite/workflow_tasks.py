"""Tasks on the embedded engine: creation (one transaction, batched), reads, cascade delete."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence

from store.errors import DuplicateKeyError
from store.records import TaskRecord
from store.repositories.workflow import TaskRepository, check_new_items
from store.repositories.workflow_types import (
    FRESH_ITEM,
    ItemSeed,
    ProgressCallback,
    StatusCounts,
    empty_counts,
    label_statistics,
    new_job_id,
    with_total,
)
from store.sqlite.database import SqliteDatabase
from store.sqlite.in_lists import BATCH, select_in
from store.sqlite.workflow_rows import COUNT_COLUMNS, dump_json, relative_paths

EMPTY_STATISTICS = dump_json(label_statistics([]))


def _insert_fresh(c: sqlite3.Connection, name: str, batch: Sequence[str], start: int,
                  now: float, paths: Mapping[str, str]) -> None:
    c.executemany(
        "INSERT INTO results (task_name, data_id, ord, status, lane, current_job_id,"
        " finished_job_ids, cumulated_time, annotator, validator, holder, queued_for,"
        " start_at, job_duration, last_update_at, comments, path)"
        " VALUES (?, ?, ?, 'to_annotate', 'annotate', ?, '[]', 0, '', '', '', '',"
        " 0, 0, ?, NULL, ?)",
        [(name, data_id, start + i, new_job_id(), now, paths.get(data_id, '""'))
         for i, data_id in enumerate(batch)])
    c.executemany(
        "INSERT INTO labels (task_name, data_id, statistics, annotations) VALUES (?, ?, ?, '[]')",
        [(name, data_id, EMPTY_STATISTICS) for data_id in batch])


def _insert_seeded(c: sqlite3.Connection, name: str, batch: Sequence[str], start: int,
                   now: float, seeds: Mapping[str, ItemSeed], paths: Mapping[str, str]) -> None:
    results, labels = [], []
    for i, data_id in enumerate(batch):
        seed = seeds.get(data_id, FRESH_ITEM)
        results.append((name, data_id, start + i, seed.status, seed.lane,
                        new_job_id() if seed.has_job else "", float(seed.cumulated_time),
                        seed.annotator, seed.validator, seed.queued_for, now,
                        paths.get(data_id, '""')))
        labels.append((name, data_id, dump_json(label_statistics(seed.annotations)),
                       json.dumps(seed.annotations, separators=(",", ":"))))
    c.executemany(
        "INSERT INTO results (task_name, data_id, ord, status, lane, current_job_id,"
        " finished_job_ids, cumulated_time, annotator, validator, holder, queued_for,"
        " start_at, job_duration, last_update_at, comments, path)"
        " VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, '', ?, 0, 0, ?, NULL, ?)", results)
    c.executemany(
        "INSERT INTO labels (task_name, data_id, statistics, annotations) VALUES (?, ?, ?, ?)",
        labels)


class SqliteTasks(TaskRepository):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def count_tasks_using(self, *, dataset_id: str | None = None,
                                spec_id: str | None = None) -> int:
        column, value = ("dataset_id", dataset_id) if dataset_id is not None else ("spec_id", spec_id)
        return await self._db.read(lambda c: c.execute(
            f"SELECT count(*) FROM tasks WHERE {column} = ?", (value,)).fetchone()[0])

    async def create_task(self, task: TaskRecord, data_ids: Sequence[str], now: float,
                          progress: ProgressCallback | None = None,
                          seeds: Mapping[str, ItemSeed] | None = None) -> None:
        check_new_items(data_ids, seeds)
        name = task["name"]
        seeds = seeds or {}
        counts = empty_counts()
        for data_id in data_ids:
            counts[seeds.get(data_id, FRESH_ITEM).status] += 1

        def create(c: sqlite3.Connection) -> None:
            if c.execute("SELECT 1 FROM tasks WHERE name = ?", (name,)).fetchone():
                raise DuplicateKeyError(f"task {name!r} already exists")
            c.execute("INSERT INTO tasks (name, spec_id, dataset_id, doc) VALUES (?, ?, ?, ?)",
                      (name, task["spec_id"], task["dataset_id"], json.dumps(dict(task))))
            c.execute(f"INSERT INTO task_counts (task_name, {', '.join(COUNT_COLUMNS)})"
                      " VALUES (?, ?, ?, ?, ?, ?)",
                      (name, *(counts[status] for status in COUNT_COLUMNS)))
            for start in range(0, len(data_ids), BATCH):
                batch = data_ids[start:start + BATCH]
                paths = relative_paths(c, task["dataset_id"], batch)
                if not seeds:
                    _insert_fresh(c, name, batch, start, now, paths)
                else:
                    _insert_seeded(c, name, batch, start, now, seeds, paths)
                if progress is not None:
                    progress(len(batch))

        await self._db.write(create)

    async def get_task(self, name: str) -> TaskRecord | None:
        row = await self._db.read(lambda c: c.execute(
            "SELECT doc FROM tasks WHERE name = ?", (name,)).fetchone())
        return json.loads(row[0]) if row else None

    async def list_tasks(self) -> list[TaskRecord]:
        rows = await self._db.read(lambda c: c.execute(
            "SELECT doc FROM tasks ORDER BY name").fetchall())
        return [json.loads(r[0]) for r in rows]

    async def set_task_spec(self, name: str, spec_id: str) -> TaskRecord | None:
        def update(c: sqlite3.Connection) -> TaskRecord | None:
            row = c.execute("SELECT doc FROM tasks WHERE name = ?", (name,)).fetchone()
            if row is None:
                return None
            task: TaskRecord = json.loads(row[0])
            task["spec_id"] = spec_id
            c.execute("UPDATE tasks SET spec_id = ?, doc = ? WHERE name = ?",
                      (spec_id, json.dumps(task), name))
            return task

        return await self._db.write(update)

    async def delete_task(self, name: str) -> bool:
        def delete(c: sqlite3.Connection) -> bool:
            for table in ("results", "jobs", "labels"):
                c.execute(f"DELETE FROM {table} WHERE task_name = ?", (name,))
            c.execute("DELETE FROM task_counts WHERE task_name = ?", (name,))
            return c.execute("DELETE FROM tasks WHERE name = ?", (name,)).rowcount > 0

        return await self._db.write(delete)

    async def get_status_counts(self, names: Sequence[str]) -> list[StatusCounts | None]:
        def read(c: sqlite3.Connection) -> dict[str, StatusCounts]:
            return {row[0]: with_total(dict(zip(COUNT_COLUMNS, row[1:], strict=True)))
                    for row in select_in(c, f"SELECT task_name, {', '.join(COUNT_COLUMNS)}"
                                            " FROM task_counts WHERE task_name IN ({marks})",
                                         (), names)}

        found = await self._db.read(read)
        return [found.get(name) for name in names]

"""Dump and load on the embedded engine.

Dump: a second connection opens one read transaction (WAL: a stable snapshot while the server
goes on writing) and streams every table in batches, each fetch on a worker thread.
Load: one IMMEDIATE transaction on the store's connection, spread over several calls so the
batches can be awaited from the stream: the old content is deleted, the entries inserted, the
derived counters rebuilt, then COMMIT; any failure rolls all of it back.
"""
from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from store.errors import StoreUnavailableError
from store.repositories.dump import (
    DUMP_BATCH,
    DumpEntry,
    DumpFormatError,
    DumpRepository,
    check_entry,
    empty_load_counts,
)
from store.repositories.specs import spec_content_hash
from store.repositories.workflow_listing import legacy_text
from store.repositories.workflow_types import LANE_OF_STATUS, ProgressCallback
from store.sqlite.database import SqliteDatabase
from store.sqlite.workflow_rows import RESULT_COLUMNS, dump_json, to_state

Row = Sequence[Any]


def _doc(row: Row) -> dict[str, Any]:
    return json.loads(row[0])


def _data(row: Row) -> dict[str, Any]:
    return {**json.loads(row[0]), "order": row[1]}


def _result(row: Row) -> dict[str, Any]:
    state = dict(to_state(row))
    del state["in_progress"]
    return state


def _label(row: Row) -> dict[str, Any]:
    return {"task_name": row[0], "data_id": row[1], "annotations": json.loads(row[2]),
            "statistics": json.loads(row[3])}


#: kind -> (query, row -> record), in DUMP_KINDS order.
DUMP_QUERIES: tuple[tuple[str, str, Callable[[Row], dict[str, Any]]], ...] = (
    ("meta", "SELECT key, value FROM meta WHERE key != 'v' ORDER BY key",
     lambda row: {"key": row[0], "value": json.loads(row[1])}),
    ("user", "SELECT doc FROM users ORDER BY username", _doc),
    ("dataset", "SELECT doc FROM datasets ORDER BY id", _doc),
    ("data", "SELECT doc, ord FROM data_items ORDER BY dataset_id, ord", _data),
    ("spec", "SELECT doc FROM specs ORDER BY seq", _doc),
    ("task", "SELECT doc FROM tasks ORDER BY name", _doc),
    ("result", f"SELECT {RESULT_COLUMNS} FROM results ORDER BY task_name, ord", _result),
    ("job", "SELECT doc FROM jobs ORDER BY task_name, id", _doc),
    ("label", "SELECT task_name, data_id, annotations, statistics FROM labels"
              " ORDER BY task_name, data_id", _label),
)

#: What a load deletes first (meta keeps the schema version).
CLEAR = (
    "DELETE FROM meta WHERE key != 'v'", "DELETE FROM users", "DELETE FROM data_items",
    "DELETE FROM datasets", "DELETE FROM specs", "DELETE FROM jobs", "DELETE FROM labels",
    "DELETE FROM results", "DELETE FROM task_counts", "DELETE FROM tasks",
)

INSERTS: dict[str, tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]]]] = {
    "meta": ("INSERT INTO meta (key, value) VALUES (?, ?)",
             lambda r: (r["key"], json.dumps(r["value"]))),
    "user": ("INSERT INTO users (username, doc) VALUES (?, ?)",
             lambda r: (r["username"], json.dumps(r))),
    "dataset": ("INSERT INTO datasets (id, path, data_type, item_count, doc) VALUES (?, ?, ?, 0, ?)",
                lambda r: (r["id"], r["path"], r["data_type"], json.dumps(r))),
    "data": ("INSERT INTO data_items (dataset_id, id, ord, doc) VALUES (?, ?, ?, ?)",
             lambda r: (r["dataset_id"], r["id"], int(r["order"]), json.dumps(r))),
    "spec": ("INSERT INTO specs (id, content_hash, doc) VALUES (?, ?, ?)",
             lambda r: (r["id"], spec_content_hash(r), json.dumps(r))),
    "task": ("INSERT INTO tasks (name, spec_id, dataset_id, doc) VALUES (?, ?, ?, ?)",
             lambda r: (r["name"], r["spec_id"], r["dataset_id"],
                        json.dumps({k: r[k] for k in ("name", "spec_id", "dataset_id")}))),
    "result": (
        "INSERT INTO results (task_name, data_id, ord, status, lane, current_job_id,"
        " finished_job_ids, cumulated_time, annotator, validator, holder, queued_for, start_at,"
        " job_duration, last_update_at, comments, path)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        lambda r: (r["task_name"], r["data_id"], int(r["order"]), r["status"],
                   LANE_OF_STATUS[r["status"]], r["current_job_id"],
                   json.dumps(list(r["finished_job_ids"])), float(r["cumulated_time"]),
                   r["annotator"], r["validator"], r["holder"], r["queued_for"],
                   float(r["start_at"]), float(r["job_duration"]), float(r["last_update_at"]),
                   dump_json(r["comments"]), legacy_text(r.get("path", "")))),
    "job": ("INSERT INTO jobs (task_name, id, data_id, doc) VALUES (?, ?, ?, ?)",
            lambda r: (r["task_name"], r["id"], r["data_id"], json.dumps(r))),
    "label": ("INSERT INTO labels (task_name, data_id, statistics, annotations) VALUES (?, ?, ?, ?)",
              lambda r: (r["task_name"], r["data_id"], dump_json(r["statistics"]) or "null",
                         dump_json(r["annotations"]) or "null")),
}

#: Records that name a parent the load did not bring: (what, query returning one offender).
DANGLING = (
    ("a data item of unknown dataset",
     "SELECT dataset_id || ':' || id FROM data_items WHERE dataset_id NOT IN (SELECT id FROM datasets)"),
    ("a task of unknown dataset or spec",
     "SELECT name FROM tasks WHERE dataset_id NOT IN (SELECT id FROM datasets)"
     " OR spec_id NOT IN (SELECT id FROM specs)"),
    ("a result of unknown task",
     "SELECT task_name || ':' || data_id FROM results WHERE task_name NOT IN (SELECT name FROM tasks)"),
    ("a label of unknown task",
     "SELECT task_name || ':' || data_id FROM labels WHERE task_name NOT IN (SELECT name FROM tasks)"),
    ("a job of unknown task",
     "SELECT task_name || ':' || id FROM jobs WHERE task_name NOT IN (SELECT name FROM tasks)"),
)

COUNTERS = (
    "UPDATE datasets SET item_count ="
    " (SELECT count(*) FROM data_items WHERE data_items.dataset_id = datasets.id)",
    "INSERT INTO task_counts (task_name, to_annotate, to_validate, to_correct, done, discard)"
    " SELECT t.name, coalesce(sum(r.status = 'to_annotate'), 0),"
    " coalesce(sum(r.status = 'to_validate'), 0), coalesce(sum(r.status = 'to_correct'), 0),"
    " coalesce(sum(r.status = 'done'), 0), coalesce(sum(r.status = 'discard'), 0)"
    " FROM tasks t LEFT JOIN results r ON r.task_name = t.name GROUP BY t.name",
)


def _insert(c: sqlite3.Connection, entries: list[DumpEntry]) -> None:
    by_kind: dict[str, list[tuple[Any, ...]]] = {}
    for entry in entries:
        by_kind.setdefault(entry["kind"], []).append(INSERTS[entry["kind"]][1](entry["record"]))
    for kind, rows in by_kind.items():
        try:
            c.executemany(INSERTS[kind][0], rows)
        except sqlite3.IntegrityError as exc:
            raise DumpFormatError(f"{kind} records clash: {exc}") from exc


def _clear(c: sqlite3.Connection) -> None:
    for statement in CLEAR:
        c.execute(statement)


def _finish(c: sqlite3.Connection) -> None:
    for what, query in DANGLING:
        row = c.execute(query + " LIMIT 1").fetchone()
        if row:
            raise DumpFormatError(f"the stream holds {what}: {row[0]!r}")
    for statement in COUNTERS:
        c.execute(statement)


class SqliteDump(DumpRepository):
    def __init__(self, db: SqliteDatabase, path: Path) -> None:
        """`path`: the database file, which `dump` reads through a connection of its own."""
        self._db = db
        self.path = path

    async def dump(self, batch_size: int = DUMP_BATCH) -> AsyncIterator[list[DumpEntry]]:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            # One read transaction across every table: all reads see the same committed state.
            await asyncio.to_thread(conn.execute, "BEGIN")
            for kind, query, convert in DUMP_QUERIES:
                cursor = await asyncio.to_thread(conn.execute, query)
                while rows := await asyncio.to_thread(cursor.fetchmany, batch_size):
                    yield [DumpEntry(kind=kind, record=convert(row)) for row in rows]
        finally:
            conn.close()

    async def dump_is_consistent(self) -> bool:
        return True

    async def load(self, batches: AsyncIterable[Sequence[Any]],
                   progress: ProgressCallback | None = None) -> dict[str, int]:
        counts = empty_load_counts()
        try:
            await self._db.call(lambda c: c.execute("BEGIN IMMEDIATE"))
        except sqlite3.OperationalError as exc:  # another process (a running server) writes
            raise StoreUnavailableError(f"cannot write {self.path} ({exc}): stop the server "
                                        "using it, then run this again") from exc
        try:
            await self._db.call(_clear)
            async for batch in batches:
                entries = [check_entry(entry) for entry in batch]
                await self._db.call(partial(_insert, entries=entries))
                for entry in entries:
                    counts[entry["kind"]] += 1
                if progress is not None:
                    progress(len(entries))
            await self._db.call(_finish)
            await self._db.call(lambda c: c.execute("COMMIT"))
        except BaseException:
            await self._db.call(lambda c: c.execute("ROLLBACK"))
            raise
        return counts

    async def read_meta(self, key: str) -> Any:
        row = await self._db.call(lambda c: c.execute(
            "SELECT value FROM meta WHERE key = ?", (key,)).fetchone())
        return json.loads(row[0]) if row else None

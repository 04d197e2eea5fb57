"""Schema versions and the registered steps that bring an older store up to date.

A store records its version under the key `v` (DbVersion). On open, each engine runs the steps from
the stored version up to `SCHEMA_VERSION`, in order, and records the new version after each step, so
an interrupted upgrade resumes where it stopped. A store newer than this code is refused.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from store.errors import StoreVersionError

SCHEMA_VERSION = 4


@dataclass(frozen=True)
class Migration:
    """One step from `from_version` to `from_version + 1`, written once per engine."""

    from_version: int
    description: str
    sqlite: Callable[[Any], None]  # receives an open sqlite3.Connection inside a transaction
    mongo: Callable[[Any], Awaitable[None]]  # receives the Motor database


def _noop_sqlite(conn: Any) -> None:
    """Version 0 (a store written before versions were recorded) has the same layout as 1."""


async def _noop_mongo(db: Any) -> None:
    """Version 0 (a store written before versions were recorded) has the same layout as 1."""


def _results_v2_sqlite(conn: Any) -> None:
    """Results learn who ended the item's latest job and when (the labels grace period; items
    ended before the upgrade get no grace) and carry their data item's relative path (DbResult.
    path, for the legacy listing and its filters), filled in from the data items."""
    from store.sqlite.workflow_rows import relative_paths

    columns = {row[1] for row in conn.execute("PRAGMA table_info(results)")}
    if "ended_by" not in columns:
        conn.execute("ALTER TABLE results ADD COLUMN ended_by TEXT NOT NULL DEFAULT ''")
    if "ended_at" not in columns:
        conn.execute("ALTER TABLE results ADD COLUMN ended_at REAL NOT NULL DEFAULT 0")
    if "path" not in columns:
        conn.execute("""ALTER TABLE results ADD COLUMN path TEXT NOT NULL DEFAULT '""'""")
    for task_name, dataset_id in conn.execute("SELECT name, dataset_id FROM tasks").fetchall():
        ids = [row[0] for row in conn.execute("SELECT data_id FROM results WHERE task_name = ?",
                                              (task_name,))]
        paths = relative_paths(conn, dataset_id, ids)
        conn.executemany("UPDATE results SET path = ? WHERE task_name = ? AND data_id = ?",
                         [(path, task_name, data_id) for data_id, path in paths.items()])


async def _results_v2_mongo(db: Any) -> None:
    """As on SQLite: `ended_by: ''`, `ended_at: 0` and `path` on every result (idempotent)."""
    from store.repositories.workflow_types import relative_data_path

    await db.results.update_many({"ended_by": {"$exists": False}},
                                 {"$set": {"ended_by": "", "ended_at": 0.0}})
    async for task in db.tasks.find({}, {"_id": 0, "name": 1, "dataset_id": 1}):
        items = await db.data.find({"dataset_id": task["dataset_id"]},
                                   {"_id": 0, "id": 1, "path": 1}).to_list(None)
        for start in range(0, len(items), 200):  # 200 updates in flight at a time
            await asyncio.gather(*(db.results.update_one(
                {"task_name": task["name"], "data_id": item["id"], "path": {"$exists": False}},
                {"$set": {"path": relative_data_path(item.get("path"))}})
                for item in items[start:start + 200]))
    await db.results.update_many({"path": {"$exists": False}}, {"$set": {"path": ""}})


#: What schema version 2 kept on SQLite to locate deep pages: per-block status counters and the
#: triggers that kept them (replaced by a covered index walk: docs/performance.md).
DROP_BLOCK_COUNTERS = (
    "DROP TRIGGER IF EXISTS result_blocks_insert", "DROP TRIGGER IF EXISTS result_blocks_status",
    "DROP TRIGGER IF EXISTS result_blocks_delete",
    "DROP TRIGGER IF EXISTS result_blocks_task_delete", "DROP TABLE IF EXISTS result_blocks",
)


def _drop_block_counters_sqlite(conn: Any) -> None:
    """Deep pages are located by a covered index walk now: the block counters and their
    triggers go (every write stops paying for them)."""
    for statement in DROP_BLOCK_COUNTERS:
        conn.execute(statement)


async def _nothing_to_drop_mongo(db: Any) -> None:
    """MongoDB never had block counters: it always walked the index."""


def _label_totals_v4_sqlite(conn: Any) -> None:
    """Label statistics summed per task are counters kept with every labels write (the
    `label_totals` table and its triggers, created at open): count them once from the labels."""
    from store.sqlite.schema import RECOUNT_LABEL_TOTALS

    for statement in RECOUNT_LABEL_TOTALS:
        conn.execute(statement)


async def _label_totals_v4_mongo(db: Any) -> None:
    """As on SQLite: each task document gets its `label_totals`, counted from its labels."""
    from store.mongo.label_totals import set_label_totals

    await set_label_totals(db.labels, db.tasks)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(0, "record the schema version of an unversioned store", _noop_sqlite, _noop_mongo),
    Migration(1, "results remember who ended the latest job and when (labels grace period), "
              "and carry their data item's relative path", _results_v2_sqlite, _results_v2_mongo),
    Migration(2, "drop the per-block status counters of SQLite (deep pages walk the index)",
              _drop_block_counters_sqlite, _nothing_to_drop_mongo),
    Migration(3, "label statistics summed per task: counters kept with every labels write, "
              "counted once from the labels", _label_totals_v4_sqlite, _label_totals_v4_mongo),
)


def steps_from(stored: int, target: int = SCHEMA_VERSION,
               migrations: tuple[Migration, ...] = MIGRATIONS) -> list[Migration]:
    """The ordered steps that take a store from `stored` to `target`; refuse newer stores."""
    if stored > target:
        raise StoreVersionError(
            f"the database was written by a newer pixano-graph (schema version {stored}, "
            f"this server knows up to {target}); upgrade pixano-graph or use another database"
        )
    by_start = {m.from_version: m for m in migrations}
    steps = []
    for version in range(stored, target):
        if version not in by_start:
            raise StoreVersionError(f"no migration registered from schema version {version}")
        steps.append(by_start[version])
    return steps

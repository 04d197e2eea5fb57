"""Schema versions and the registered steps that bring an older store up to date.

A store records its version under the key `v` (DbVersion). On open, each engine runs the steps from
the stored version up to `SCHEMA_VERSION`, in order, and records the new version after each step, so
an interrupted upgrade resumes where it stopped. A store newer than this code is refused.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from store.errors import StoreVersionError

SCHEMA_VERSION = 2


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


def _results_remember_who_ended_sqlite(conn: Any) -> None:
    """Results learn who ended the item's latest job and when (the labels grace period). Items
    ended before the upgrade have no record: nobody gets a grace period on them."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(results)")}
    if "ended_by" not in columns:
        conn.execute("ALTER TABLE results ADD COLUMN ended_by TEXT NOT NULL DEFAULT ''")
    if "ended_at" not in columns:
        conn.execute("ALTER TABLE results ADD COLUMN ended_at REAL NOT NULL DEFAULT 0")


async def _results_remember_who_ended_mongo(db: Any) -> None:
    """As on SQLite: every result gets `ended_by: ''`, `ended_at: 0` (idempotent)."""
    await db.results.update_many({"ended_by": {"$exists": False}},
                                 {"$set": {"ended_by": "", "ended_at": 0.0}})


MIGRATIONS: tuple[Migration, ...] = (
    Migration(0, "record the schema version of an unversioned store", _noop_sqlite, _noop_mongo),
    Migration(1, "results remember who ended the latest job and when (labels grace period)",
              _results_remember_who_ended_sqlite, _results_remember_who_ended_mongo),
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

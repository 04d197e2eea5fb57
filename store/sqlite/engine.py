"""`SqliteStore`: the embedded engine, one repository object per domain composed here.

SQLite runs every write of a process on one thread, and `SqliteDatabase.write` makes each call
atomic (its own transaction, or its own savepoint in a group commit); on top of that, each race
(claim, end, label write) is decided by one conditional `UPDATE … RETURNING`, so the code stays
correct with several processes (`serve --workers N`) writing the same file.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

from store.base import Store
from store.migrations import MIGRATIONS, SCHEMA_VERSION, Migration, steps_from
from store.sqlite.database import DEFAULT_READERS, SqliteDatabase, transaction
from store.sqlite.datasets import SqliteDatasets
from store.sqlite.dump import SqliteDump
from store.sqlite.events import SqliteEvents
from store.sqlite.schema import LATE_SCHEMA, SCHEMA
from store.sqlite.specs import SqliteSpecs
from store.sqlite.throttle import SqliteLoginThrottle
from store.sqlite.users import SqliteUsers
from store.sqlite.workflow_claims import SqliteClaims
from store.sqlite.workflow_labels import SqliteLabels
from store.sqlite.workflow_results import SqliteResults
from store.sqlite.workflow_tasks import SqliteTasks

DATABASE_FILE = "pixano.sqlite3"

log = logging.getLogger("pixano_graph")


class SqliteStore(Store):
    engine = "sqlite"

    def __init__(self, path: Path, migrations: tuple[Migration, ...] = MIGRATIONS,
                 target_version: int = SCHEMA_VERSION, *, group_commit: bool = True,
                 readers: int = DEFAULT_READERS, shared: bool = False) -> None:
        """`shared`: other processes (the other workers of `serve --workers N`) use the file
        at the same time, so the start-up cleanup that assumes sole ownership is left to the
        process that opened it first, before starting them."""
        self.path = path
        self._db = db = SqliteDatabase(path, group_commit=group_commit, readers=readers)
        super().__init__(
            users=SqliteUsers(db), throttle=SqliteLoginThrottle(db), datasets=SqliteDatasets(db),
            specs=SqliteSpecs(db), tasks=SqliteTasks(db), jobs=SqliteClaims(db),
            results=SqliteResults(db), labels=SqliteLabels(db), dumps=SqliteDump(db, path),
            events=SqliteEvents(db))
        self._migrations = migrations
        self._target_version = target_version
        self._shared = shared

    @classmethod
    def in_workspace(cls, state_dir: Path, *, group_commit: bool = True,
                     readers: int = DEFAULT_READERS, shared: bool = False) -> "SqliteStore":
        return cls(state_dir / DATABASE_FILE, group_commit=group_commit, readers=readers,
                   shared=shared)

    async def open(self) -> None:
        await self._db.connect()
        try:
            await self._db.call(self._prepare)
        except BaseException:
            await self._db.close()
            raise

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Create what is missing, then migrate: all in transactions, so a failure changes nothing."""
        with transaction(conn):
            fresh = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'"
            ).fetchone()[0] == 0
            for statement in SCHEMA:
                conn.execute(statement)
            if fresh:
                self._set_version(conn, self._target_version)
        stored = self._read_version(conn)
        for step in steps_from(stored, self._target_version, self._migrations):
            with transaction(conn):
                step.sqlite(conn)
                self._set_version(conn, step.from_version + 1)
        with transaction(conn):
            for statement in LATE_SCHEMA:
                conn.execute(statement)
            if not self._shared:
                self._drop_orphan_items(conn)

    @staticmethod
    def _drop_orphan_items(conn: sqlite3.Connection) -> None:
        """Items of a dataset whose ingest was cut short (process killed) belong to no dataset:
        nothing can read them, so reclaim the space. Safe only when no other process is ingesting
        (`shared` is False)."""
        dropped = conn.execute(
            "DELETE FROM data_items WHERE dataset_id IN (SELECT DISTINCT dataset_id FROM data_items"
            " WHERE NOT EXISTS (SELECT 1 FROM datasets WHERE datasets.id = data_items.dataset_id))"
        ).rowcount
        if dropped:
            log.warning("removed %d data items left by an interrupted dataset ingest", dropped)

    @staticmethod
    def _read_version(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = 'v'").fetchone()
        return int(json.loads(row[0])["version"]) if row else 0

    @staticmethod
    def _set_version(conn: sqlite3.Connection, version: int) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('v', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (json.dumps({"version": str(version)}),),
        )

    async def close(self) -> None:
        await self._db.close()

    async def stored_version(self) -> int:
        return await self._db.read(self._read_version)

    async def health(self) -> dict[str, Any]:
        version = await self.stored_version()
        return {"engine": self.engine, "version": str(version), "path": str(self.path)}

    def counters(self) -> dict[str, int]:
        """See `Store.counters`: what group commit saves shows as commits / acknowledged < 1."""
        db = self._db
        return {"reads": db.reads, "lookups": db.lookups, "writes": db.writes,
                "commits": db.commits, "acknowledged": db.acknowledged,
                "pending": db.pending_writes}

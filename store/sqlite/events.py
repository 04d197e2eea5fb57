"""The event log on the embedded engine: one table every worker process of the server follows."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from store.repositories.events import EventRecord, EventRepository, NewEvent
from store.sqlite.database import SqliteDatabase

INSERT = "INSERT INTO events (at, task_name, kind, data) VALUES (?, ?, ?, ?) RETURNING seq"
AFTER = "SELECT seq, at, task_name, kind, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?"


class SqliteEvents(EventRepository):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def append_events(self, events: Sequence[NewEvent]) -> list[int]:
        rows = [(e["at"], e["task_name"], e["kind"], json.dumps(e["data"], separators=(",", ":")))
                for e in events]

        def append(c: sqlite3.Connection) -> list[int]:
            return [c.execute(INSERT, row).fetchone()[0] for row in rows]

        # Events are notifications (a lost one costs a stale view, not data): they ride on the
        # writer's group commit, under its cross-process lock, and cost no fsync of their own.
        return await self._db.write(append, durable=False) if rows else []

    async def events_after(self, cursor: int, limit: int) -> list[EventRecord]:
        rows = await self._db.read(lambda c: c.execute(AFTER, (cursor, limit)).fetchall())
        return [EventRecord(seq=seq, at=at, task_name=task, kind=kind, data=json.loads(data))
                for seq, at, task, kind, data in rows]

    async def last_event_seq(self) -> int:
        # sqlite_sequence remembers the highest seq ever given, even once those rows are pruned.
        def last(c: sqlite3.Connection) -> int:
            row = c.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
            return int(row[0]) if row else 0

        return await self._db.read(last)

    async def prune_events(self, before: float) -> int:
        return await self._db.write(
            lambda c: c.execute("DELETE FROM events WHERE at < ?", (before,)).rowcount)

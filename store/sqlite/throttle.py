"""Login throttling on the embedded engine: one row per key, upserted in one statement."""
from __future__ import annotations

import sqlite3

from store.repositories.throttle import LoginThrottleRepository
from store.sqlite.database import SqliteDatabase


class SqliteLoginThrottle(LoginThrottleRepository):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def login_locked_until(self, keys: list[str]) -> float:
        marks = ", ".join("?" for _ in keys)
        rows = await self._db.lookup(
            f"SELECT max(locked_until) FROM login_failures WHERE key IN ({marks})", tuple(keys))
        return float(rows[0][0] or 0.0) if rows else 0.0

    async def record_login_failure(self, key: str, now: float, window: float) -> int:
        def record(c: sqlite3.Connection) -> int:
            # Rows idle for a whole window and no longer locked are forgotten (indexed).
            c.execute("DELETE FROM login_failures WHERE last_failure < ? AND locked_until < ?",
                      (now - window, now))
            return c.execute(
                "INSERT INTO login_failures (key, failures, last_failure, locked_until)"
                " VALUES (?, 1, ?, 0) ON CONFLICT (key) DO UPDATE SET"
                " failures = CASE WHEN last_failure < ? THEN 1 ELSE failures + 1 END,"
                " last_failure = excluded.last_failure RETURNING failures",
                (key, now, now - window)).fetchone()[0]

        return await self._db.write(record)

    async def lock_login(self, key: str, until: float) -> None:
        await self._db.write(lambda c: c.execute(
            "UPDATE login_failures SET locked_until = max(locked_until, ?) WHERE key = ?",
            (until, key)))

    async def clear_login_failures(self, key: str) -> None:
        await self._db.write(lambda c: c.execute("DELETE FROM login_failures WHERE key = ?", (key,)))

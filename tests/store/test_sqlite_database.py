"""The embedded engine's database thread: a finished call leaves nothing behind that could block
the next one (an unfinished cursor held by the thread makes COMMIT fail), and failures reach the
caller."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store.sqlite.database import SqliteDatabase


async def test_a_read_returning_an_open_cursor_does_not_block_the_next_write(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    await db.connect()
    try:
        await db.write(lambda c: c.execute("CREATE TABLE t (v INTEGER)"))
        await db.write(lambda c: c.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), (3,)]))
        await db.call(lambda c: c.execute("PRAGMA wal_checkpoint(PASSIVE)"))  # never fetched
        await db.write(lambda c: c.execute("INSERT INTO t VALUES (4)"))
        assert await db.call(lambda c: c.execute("SELECT count(*) FROM t").fetchone()[0]) == 4
        with pytest.raises(sqlite3.OperationalError):
            await db.write(lambda c: c.execute("INSERT INTO missing VALUES (1)"))
        with pytest.raises(ZeroDivisionError):
            await db.write(lambda c: (c.execute("INSERT INTO t VALUES (5)"), 1 / 0))
        assert await db.call(lambda c: c.execute("SELECT max(v) FROM t").fetchone()[0]) == 4
    finally:
        await db.close()

"""The embedded engine's database thread: results and failures reach the caller, a failed write
leaves nothing behind. `lookup` (on the event loop, read-only connection) sees every committed write at once,
never a write in progress, never waits for the writer, and cannot write."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from store.sqlite.database import SqliteDatabase


async def test_calls_answer_and_a_failed_write_changes_nothing(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    await db.connect()
    try:
        await db.write(lambda c: c.execute("CREATE TABLE t (v INTEGER)"))
        await db.write(lambda c: c.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), (3,)]))
        await db.write(lambda c: c.execute("INSERT INTO t VALUES (4)"))
        assert await db.call(lambda c: c.execute("SELECT count(*) FROM t").fetchone()[0]) == 4
        with pytest.raises(sqlite3.OperationalError):
            await db.write(lambda c: c.execute("INSERT INTO missing VALUES (1)"))
        with pytest.raises(ZeroDivisionError):
            await db.write(lambda c: (c.execute("INSERT INTO t VALUES (5)"), 1 / 0))
        assert await db.call(lambda c: c.execute("SELECT max(v) FROM t").fetchone()[0]) == 4
    finally:
        await db.close()


async def test_lookup_reads_the_last_commit_without_waiting_for_the_writer(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    await db.connect()
    try:
        await db.write(lambda c: c.execute("CREATE TABLE u (k TEXT PRIMARY KEY, v TEXT)"))
        await db.write(lambda c: c.execute("INSERT INTO u VALUES ('a', 'one')"))
        query = "SELECT v FROM u WHERE k = ?"
        assert await db.lookup(query, ("a",)) == [("one",)]
        await db.write(lambda c: c.execute("UPDATE u SET v = 'two' WHERE k = 'a'"))
        assert await db.lookup(query, ("a",)) == [("two",)]
        # A write transaction held open on the thread: the lookup answers at once, with the
        # committed value, not the uncommitted one.
        await db.call(lambda c: (c.execute("BEGIN IMMEDIATE"),
                                 c.execute("DELETE FROM u WHERE k = 'a'")))
        assert await db.lookup(query, ("a",)) == [("two",)]
        await db.call(lambda c: c.execute("COMMIT"))
        assert await db.lookup(query, ("a",)) == []  # deleted: gone at once
        with pytest.raises(sqlite3.OperationalError):
            await db.lookup("INSERT INTO u VALUES ('b', 'x') RETURNING k", ())
        assert await db.call(lambda c: c.execute("SELECT count(*) FROM u").fetchone()[0]) == 0
    finally:
        await db.close()


async def test_a_busy_lookup_is_answered_by_the_thread(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    await db.connect()
    try:
        await db.write(lambda c: c.execute("CREATE TABLE u (k TEXT PRIMARY KEY, v TEXT)"))
        # The writer takes the file for itself: the loop's reader gets SQLITE_BUSY at once.
        await db.call(lambda c: c.execute("PRAGMA locking_mode=EXCLUSIVE").fetchall())
        await db.write(lambda c: c.execute("INSERT INTO u VALUES ('a', 'one')"))
        with pytest.raises(sqlite3.OperationalError):
            db._reader.execute("SELECT v FROM u WHERE k = 'a'").fetchall()  # what lookup meets
        assert await db.lookup("SELECT v FROM u WHERE k = ?", ("a",)) == [("one",)]
    finally:
        await db.close()


async def test_returned_cursors_are_finished_on_the_database_thread(tmp_path: Path) -> None:
    """A cursor handed back to the loop and dropped there would be reset while the thread runs
    the next call (API misuse, or a COMMIT refused for a statement in progress)."""
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    await db.connect()
    try:
        await db.write(lambda c: c.execute("CREATE TABLE t (v INTEGER)"))
        cursor = await db.call(lambda c: c.execute("PRAGMA wal_checkpoint(PASSIVE)"))
        await db.write(lambda c: c.execute("INSERT INTO t VALUES (0)"))
        del cursor
        inserted = await asyncio.gather(*(
            db.write(lambda c, n=n: c.executemany("INSERT INTO t VALUES (?)", [(n,), (n,)]))
            for n in range(1, 60)))
        assert {cursor.rowcount for cursor in inserted} == {2}
        assert await db.call(lambda c: c.execute("SELECT count(*) FROM t").fetchone()[0]) == 119
    finally:
        await db.close()

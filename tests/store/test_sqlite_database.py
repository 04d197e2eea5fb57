"""The embedded engine's database thread: results and failures reach the caller, a failed write
leaves nothing behind. `lookup` (on the event loop, read-only connection) sees every committed write at once,
never a write in progress, never waits for the writer, and cannot write."""
from __future__ import annotations

import asyncio
import fcntl
import os
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


async def test_waiting_writes_share_one_commit_and_a_failing_one_changes_nothing_else(
        tmp_path: Path) -> None:
    """Group commit: writes queued together are made durable by fewer COMMITs than writes, each
    caller gets its own outcome, and the failing writes leave neither a row nor a trace in the
    others."""
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    await db.connect()
    try:
        await db.write(lambda c: c.execute("CREATE TABLE t (v INTEGER PRIMARY KEY)"))
        before = db.commits, db.acknowledged

        def insert(n: int):
            def run(c: sqlite3.Connection) -> int:
                c.execute("INSERT INTO t VALUES (?)", (n,))
                if n % 7 == 0:
                    raise ValueError(f"refused {n}")  # after its insert: must be undone
                return n
            return run

        outcomes = await asyncio.gather(*(db.write(insert(n)) for n in range(1, 101)),
                                        db.write(lambda c: c.execute("INSERT INTO t VALUES (1)")),
                                        return_exceptions=True)
        kept = [n for n in range(1, 101) if n % 7]
        assert outcomes[:100] == [n if n % 7 else outcomes[n - 1] for n in range(1, 101)]
        assert all(isinstance(outcomes[n - 1], ValueError) for n in range(7, 101, 7))
        assert isinstance(outcomes[100], sqlite3.IntegrityError)  # 1 was taken in the same group
        rows = await db.read(lambda c: [r[0] for r in c.execute("SELECT v FROM t ORDER BY v")])
        assert rows == kept
        commits, acknowledged = db.commits - before[0], db.acknowledged - before[1]
        assert acknowledged == len(kept)
        assert commits < acknowledged / 4  # 86 writes, queued at once: a handful of commits
        assert db.pending_writes == 0
    finally:
        await db.close()


async def test_a_write_that_breaks_the_transaction_does_not_take_its_group_down(
        tmp_path: Path) -> None:
    """When a failing write ends the whole transaction (SQLite does so on e.g. a full disk; here
    the write rolls back by itself), the writes grouped before it are run again and kept."""
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    await db.connect()
    try:
        await db.write(lambda c: c.execute("CREATE TABLE t (v INTEGER)"))

        def breaks(c: sqlite3.Connection) -> None:
            c.execute("INSERT INTO t VALUES (-1)")
            c.execute("ROLLBACK")
            raise sqlite3.OperationalError("the transaction is gone")

        outcomes = await asyncio.gather(
            *(db.write(lambda c, n=n: c.execute("INSERT INTO t VALUES (?)", (n,)).rowcount)
              for n in range(5)),
            db.write(breaks),
            *(db.write(lambda c, n=n: c.execute("INSERT INTO t VALUES (?)", (n,)).rowcount)
              for n in range(5, 10)),
            return_exceptions=True)
        assert outcomes[:5] == [1] * 5 and outcomes[6:] == [1] * 5
        assert isinstance(outcomes[5], sqlite3.OperationalError)
        rows = await db.read(lambda c: [r[0] for r in c.execute("SELECT v FROM t ORDER BY v")])
        assert rows == list(range(10))
    finally:
        await db.close()


async def test_without_group_commit_every_write_is_its_own_commit(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "db.sqlite3", group_commit=False)
    await db.connect()
    try:
        await db.write(lambda c: c.execute("CREATE TABLE t (v INTEGER)"))
        await asyncio.gather(*(db.write(lambda c, n=n: c.execute("INSERT INTO t VALUES (?)", (n,)))
                               for n in range(40)))
        assert (db.commits, db.acknowledged) == (41, 41)
    finally:
        await db.close()


async def test_reads_on_the_pool_never_wait_for_the_writer(tmp_path: Path) -> None:
    """A write transaction held open on the writer: pool reads answer at once, with the last
    committed state (one snapshot per read), and cannot write."""
    db = SqliteDatabase(tmp_path / "db.sqlite3", readers=2)
    await db.connect()
    try:
        await db.write(lambda c: c.execute("CREATE TABLE t (v INTEGER)"))
        await db.write(lambda c: c.execute("INSERT INTO t VALUES (1)"))
        await db.call(lambda c: (c.execute("BEGIN IMMEDIATE"), c.execute("DELETE FROM t")))
        counts = await asyncio.wait_for(asyncio.gather(*(
            db.read(lambda c: c.execute("SELECT count(*) FROM t").fetchone()[0])
            for _ in range(10))), timeout=5)
        assert counts == [1] * 10
        with pytest.raises(sqlite3.OperationalError):
            await db.read(lambda c: c.execute("INSERT INTO t VALUES (2)"))
        await db.call(lambda c: c.execute("COMMIT"))
        assert await db.read(lambda c: c.execute("SELECT count(*) FROM t").fetchone()[0]) == 0
    finally:
        await db.close()


async def test_notifications_wait_for_the_process_lock_and_cost_no_commit(tmp_path: Path) -> None:
    """`write(durable=False)` (the live-update event log) takes the cross-process lock like any
    write, so it waits in the kernel for another process's writer instead of in SQLite's busy
    handler; it is not counted as a durable commit, and grouped with a durable write it adds
    none."""
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    await db.connect()
    other_process = os.open(tmp_path / "db.sqlite3.lock", os.O_RDWR)
    try:
        await db.write(lambda c: c.execute("CREATE TABLE t (v INTEGER)"))
        before = db.commits, db.acknowledged
        fcntl.flock(other_process, fcntl.LOCK_EX)
        notification = asyncio.ensure_future(
            db.write(lambda c: c.execute("INSERT INTO t VALUES (0)").rowcount, durable=False))
        await asyncio.sleep(0.3)
        assert not notification.done()  # waits for the lock
        durable = asyncio.ensure_future(
            db.write(lambda c: c.execute("INSERT INTO t VALUES (1)").rowcount))
        fcntl.flock(other_process, fcntl.LOCK_UN)
        assert await asyncio.wait_for(asyncio.gather(notification, durable), timeout=5) == [1, 1]
        assert (db.commits - before[0], db.acknowledged - before[1]) == (1, 1)
        await db.write(lambda c: c.execute("INSERT INTO t VALUES (2)"), durable=False)
        assert (db.commits - before[0], db.acknowledged - before[1]) == (1, 1)
        rows = await db.read(lambda c: [r[0] for r in c.execute("SELECT v FROM t ORDER BY v")])
        assert rows == [0, 1, 2]
        # the writer's connection is back to durable commits
        assert await db.call(lambda c: c.execute("PRAGMA synchronous").fetchone()[0]) == 2
    finally:
        os.close(other_process)
        await db.close()


async def test_processes_take_the_write_lock_in_turns(tmp_path: Path) -> None:
    """The turnstile: a writer already waiting for the lock gets it before the holder can take
    it again. Two databases on one file stand for two processes (flock is per open file)."""
    first = SqliteDatabase(tmp_path / "db.sqlite3")
    second = SqliteDatabase(tmp_path / "db.sqlite3")
    await first.connect()
    await second.connect()
    holder = os.open(tmp_path / "db.sqlite3.lock", os.O_RDWR)
    try:
        await first.write(lambda c: c.execute("CREATE TABLE t (who TEXT)"))
        fcntl.flock(holder, fcntl.LOCK_EX)
        second_waits = asyncio.ensure_future(
            second.write(lambda c: c.execute("INSERT INTO t VALUES ('second')")))
        await asyncio.sleep(0.3)  # the second database's writer now waits in the turnstile
        first_writes = [asyncio.ensure_future(
            first.write(lambda c: c.execute("INSERT INTO t VALUES ('first')")))]
        await asyncio.sleep(0.3)
        fcntl.flock(holder, fcntl.LOCK_UN)
        await asyncio.wait_for(asyncio.gather(second_waits, *first_writes), timeout=5)
        order = await first.read(lambda c: [r[0] for r in c.execute("SELECT who FROM t")])
        assert order == ["second", "first"]
    finally:
        os.close(holder)
        await first.close()
        await second.close()

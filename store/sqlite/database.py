"""One SQLite connection owned by one worker thread.

All statements run on that thread, so the event loop never waits on disk and every call is
serialised: a call is a transaction, and a conditional `UPDATE … RETURNING` inside it cannot
interleave with another request's. WAL with `synchronous=FULL` means a committed (acknowledged)
write survives a crash of the process or the machine.

A call is one hop to the thread and back: a queue put that wakes the thread, and
`call_soon_threadsafe` that wakes the loop. It is done by hand rather than through
`run_in_executor` (whose futures, locks and callbacks cost a third more per hop, ~38 -> ~27 µs on
the 2-core benchmark machine), because every request pays it.

`lookup` is the one exception to "everything on the thread": the primary-key read every request
makes (the session's user) runs at once on the event loop, on a second connection that can only
read. In WAL mode a reader never waits for the writer (it reads the last committed state, which
is all an acknowledged write needs), its `busy_timeout` is 0 so it can never sleep on a lock
(a rare SQLITE_BUSY, e.g. while the WAL index is rebuilt, sends the read to the thread instead),
and a primary-key lookup touches two or three cached pages: ~5 µs on the loop instead of a
~100 µs round trip to the thread under load. Only fixed, indexed, single-row statements belong
there, never a scan.
"""
from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from store.errors import StoreUnavailableError

T = TypeVar("T")

#: What the worker thread takes from its queue: the function, its future and that future's loop;
#: None stops the thread.
_Job = tuple[Callable[[sqlite3.Connection], Any], asyncio.Future, asyncio.AbstractEventLoop]


class SqliteDatabase:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._conn: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None

    async def connect(self) -> None:
        self._thread = threading.Thread(target=self._work, name="sqlite", daemon=True)
        self._thread.start()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = await self.call(lambda _: self._connect())
            self._reader = sqlite3.connect(self.path, timeout=0, isolation_level=None,
                                           check_same_thread=False)
            self._reader.execute("PRAGMA query_only=1")
        except (OSError, sqlite3.Error) as exc:
            await self.close()
            raise StoreUnavailableError(f"cannot open the database {self.path}: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA foreign_keys=OFF")
        return conn

    def _work(self) -> None:
        """The database thread: run each queued function until told to stop."""
        while True:
            job = self._queue.get()
            if job is None:
                return
            self._run(*job)
            del job  # hold nothing of a finished call (an open cursor would block COMMIT)

    def _run(self, fn: Callable[[sqlite3.Connection], Any], future: asyncio.Future,
             loop: asyncio.AbstractEventLoop) -> None:
        """Run one function and hand its outcome back to the loop that awaits it."""
        try:
            result = fn(self._conn)  # type: ignore[arg-type]
            if isinstance(result, sqlite3.Cursor):
                # Finished here, on the connection's thread: a cursor reset on the loop while this
                # thread runs the next call is API misuse (rowcount and lastrowid stay readable).
                result.close()
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
            loop.call_soon_threadsafe(_settle, future, None, exc)
        else:
            loop.call_soon_threadsafe(_settle, future, result, None)

    async def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn(connection)` on the database thread (reads; no transaction is opened)."""
        if self._thread is None:
            raise StoreUnavailableError(f"the database {self.path} is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put((fn, future, loop))
        return await future

    async def lookup(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """The rows of a primary-key `SELECT`, read at once on the event loop (see the module
        docstring). All rows are fetched, so the statement is reset and no read transaction
        stays open to pin an old snapshot."""
        if self._reader is not None:
            try:
                return self._reader.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise
                # busy (never waited for): let the thread, which may wait, do it
        return await self.call(lambda c: c.execute(sql, params).fetchall())

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn(connection)` in one IMMEDIATE transaction: all of it commits, or none of it."""

        def in_transaction(conn: sqlite3.Connection) -> T:
            with transaction(conn):
                return fn(conn)

        return await self.call(in_transaction)

    async def close(self) -> None:
        if self._reader is not None:
            reader, self._reader = self._reader, None
            reader.close()
        if self._thread is None:
            return
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await self.call(lambda _: conn.close())
        thread, self._thread = self._thread, None
        self._queue.put(None)
        await asyncio.get_running_loop().run_in_executor(None, thread.join)


def _settle(future: asyncio.Future, result: Any, error: BaseException | None) -> None:
    """On the loop: deliver the outcome, unless the caller gave up waiting (the work was done)."""
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception so nothing is half-written."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")

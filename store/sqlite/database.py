"""One writer thread with group commit, a small pool of read-only connections, one loop-side lookup.

Writes. All writes run on one thread that owns the one read-write connection, so a conditional
`UPDATE … RETURNING` cannot interleave with another request's. WAL with `synchronous=FULL`: a
committed (acknowledged) write survives a crash of the process or the machine.

Group commit. The durable commit (an fsync, 120–350 µs here) is the largest cost of a write, and
under load writes queue behind each other's fsync. So the writer takes every write waiting in its
queue (up to `MAX_GROUP`), runs each in its own SAVEPOINT inside one IMMEDIATE transaction — a
write that raises is rolled back to its savepoint, which leaves the others untouched — and makes
them all durable with one COMMIT. Every caller is answered only after that COMMIT: an answer
still means "on disk". If the COMMIT itself fails, every write of the group fails (none is on
disk). If a failing write broke the whole transaction (SQLite aborts it on e.g. a full disk), the
writes before it in the group are run again in a new transaction, so their outcome does not
depend on it. A lone write is one plain IMMEDIATE transaction, exactly as without grouping; with
`group_commit=False` every write is. `commits` and `acknowledged` count both, for `/metrics`.

Notifications (the live-update event log) are writes too, `write(fn, durable=False)`: they join
the group being formed, so they take the same cross-process lock and add no fsync of their own; a
group made only of them commits with `synchronous=NORMAL` (in WAL, the next durable COMMIT syncs
it). They once ran beside the group as their own transaction, outside the lock, and then waited
for the other process's writer in SQLite's busy handler (sleeps of 1, 2, 5, 10 … 100 ms) with the
writer thread blocked: that was the multi-process latency tail (p99/p50 11.9 -> 2.4, bench/load).

Several processes. Each worker process (`serve --workers N`) has its own writer. A process-wide
advisory lock (`flock` on `<database>.lock`, passed through the turnstile `<database>.turn` so
processes take it in turns, see `_process_lock`) is taken around each transaction, so a writer
waiting for another process sleeps in the kernel and wakes as soon as the lock is free, instead of
SQLite's busy handler polling with growing sleeps; `busy_timeout` stays as the fallback for
processes that do not take the lock. Uncontended, the lock costs a few microseconds. Every write
a request causes goes through it; only opening (schema and migrations, once per process) and the
offline `restore` command begin their transactions without it.

Reads. `read(fn)` runs on a small pool of read-only (`query_only`) connections, each on its own
thread: in WAL mode a reader never waits for the writer and sees the last committed state, so a
results page with thumbnails never holds the thread that commits claims (Datasette's shape). Each
read is one deferred transaction, so a read of several statements sees one snapshot.

`lookup` runs the primary-key read every request makes (the session's user) at once on the event
loop, on a connection that can only read, with `busy_timeout` 0 so it can never sleep on a lock
(a rare SQLITE_BUSY, e.g. while the WAL index is rebuilt, sends the read to the writer instead): ~5
µs on the loop instead of a round trip to a thread. Only fixed, indexed, single-row statements
belong there, never a scan.

A hop to a thread is a queue put that wakes the thread and `call_soon_threadsafe` that wakes the
loop: by hand rather than `run_in_executor` (whose futures, locks and callbacks cost a third more
per hop, ~38 -> ~27 µs on the 2-core benchmark machine), because every request pays it.
"""
from __future__ import annotations

import asyncio
import fcntl
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from store.errors import StoreUnavailableError

T = TypeVar("T")

#: The most writes one COMMIT makes durable: bounds the latency a group adds to its first write.
MAX_GROUP = 128

#: Read-only connections (and threads) per process, unless the caller says otherwise.
DEFAULT_READERS = 2


@dataclass(slots=True)
class _Job:
    """One call for a thread: the function, its future, that future's loop, and whether it is
    a write (run inside a transaction, may be grouped) or a plain call on the writer's connection."""

    fn: Callable[[sqlite3.Connection], Any]
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop
    write: bool
    durable: bool = True


class SqliteDatabase:
    def __init__(self, path: Path, *, group_commit: bool = True,
                 readers: int = DEFAULT_READERS) -> None:
        self.path = path
        self.group_commit = group_commit
        self.reader_count = max(0, readers)
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._read_queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._read_threads: list[threading.Thread] = []
        self._read_conns: list[sqlite3.Connection] = []
        self._conn: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        #: The cross-process write lock and its turnstile (`_process_lock`).
        self._lock_fd: int | None = None
        self._turn_fd: int | None = None
        #: Durable COMMITs made, and writes acknowledged after one (successful writes only).
        self.commits = 0
        self.acknowledged = 0
        #: Writes handed to the writer and not yet answered (the queue depth /metrics shows).
        self.pending_writes = 0
        #: Calls made, by door (counted on the loop).
        self.reads = self.lookups = self.writes = 0

    async def connect(self) -> None:
        self._thread = threading.Thread(target=self._work, name="sqlite-writer", daemon=True)
        self._thread.start()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            self._turn_fd = os.open(f"{self.path}.turn", os.O_RDWR | os.O_CREAT, 0o600)
            self._conn = await self.call(lambda _: self._connect())
            self._reader = self._read_only(timeout=0)
        except (OSError, sqlite3.Error) as exc:
            await self.close()
            raise StoreUnavailableError(f"cannot open the database {self.path}: {exc}") from exc
        for index in range(self.reader_count):
            conn = self._read_only(timeout=10)
            self._read_conns.append(conn)
            thread = threading.Thread(target=self._read_work, args=(conn,),
                                      name=f"sqlite-reader-{index}", daemon=True)
            thread.start()
            self._read_threads.append(thread)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA foreign_keys=OFF")
        return conn

    def _read_only(self, timeout: float) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA query_only=1")
        return conn

    # -- the writer -------------------------------------------------------------------------

    def _work(self) -> None:
        """The writer thread: run plain calls one by one, writes in groups, until told to stop."""
        while True:
            job = self._queue.get()
            if job is None:
                return
            if not job.write:
                _run_call(job, self._conn)
                continue
            group = [job]
            stop = following = None
            while self.group_commit and len(group) < MAX_GROUP:
                try:
                    following = self._queue.get_nowait()
                except queue.Empty:
                    following = None
                    break
                if following is None:
                    stop = True
                    break
                if not following.write:
                    break
                group.append(following)
                following = None
            self._commit(group)
            del group, job  # hold nothing of finished calls (an open cursor would block COMMIT)
            if following is not None:
                _run_call(following, self._conn)
                following = None
            if stop:
                return

    @contextmanager
    def _process_lock(self) -> Iterator[None]:
        """Exclusive across the processes sharing the file, for one transaction, taken in turns.

        `flock` wakes its waiters in no order, and the writer that just released the lock is
        already running: without the turnstile it takes the lock again (its queue refilled
        meanwhile) while the other process's writer is still being woken, so one process's
        writes could wait for several of the other's commits. Here a writer passes the
        turnstile before it waits for the lock, and leaves it only once it holds the lock; so
        the next holder is the writer already waiting, and with two processes they alternate,
        each one's queue filling a larger group meanwhile."""
        if self._lock_fd is None or self._turn_fd is None:
            yield
            return
        fcntl.flock(self._turn_fd, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        finally:
            fcntl.flock(self._turn_fd, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _commit(self, group: list[_Job]) -> None:
        """Run `group`'s writes in one transaction, one savepoint each, and answer each caller
        after the one COMMIT (see the module docstring)."""
        conn = self._conn
        assert conn is not None
        answers: list[tuple[_Job, Any, BaseException | None]] = []
        rerun: list[_Job] = []
        durable = any(job.durable for job in group)
        try:
            with self._process_lock(), _synchronous(conn, durable):
                if len(group) == 1:
                    try:
                        with transaction(conn):
                            answers.append((group[0], _finish(group[0].fn(conn)), None))
                    except BaseException as exc:  # noqa: BLE001 - handed to its caller
                        answers[:] = [(group[0], None, exc)]
                else:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        rerun = self._run_group(conn, group, answers)
                        if conn.in_transaction:
                            conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
        except BaseException as exc:  # noqa: BLE001 - BEGIN or COMMIT failed: nothing is durable
            answers = [(job, None, exc) for job in group if job not in rerun]
        done = [a for a in answers if a[2] is None and a[0].durable]
        if done:
            self.commits += 1
            self.acknowledged += len(done)
        for job, result, error in answers:
            job.loop.call_soon_threadsafe(_settle, job.future, result, error)
        answers.clear()
        if rerun:
            self._commit(rerun)

    @staticmethod
    def _run_group(conn: sqlite3.Connection, group: list[_Job],
                   answers: list[tuple[_Job, Any, BaseException | None]]) -> list[_Job]:
        """Each write in its own savepoint; the writes to run again in a new transaction if a
        failing one took the whole transaction down with it (then `answers` holds only it)."""
        for index, job in enumerate(group):
            conn.execute("SAVEPOINT w")
            try:
                result = _finish(job.fn(conn))
            except BaseException as exc:  # noqa: BLE001 - handed to its caller
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK TO w")
                        conn.execute("RELEASE w")
                    except sqlite3.Error:
                        conn.execute("ROLLBACK")
                if not conn.in_transaction:
                    earlier = [done for done, _, _ in answers]
                    answers[:] = [(job, None, exc)]
                    return earlier + group[index + 1:]
                answers.append((job, None, exc))
            else:
                conn.execute("RELEASE w")
                answers.append((job, result, None))
        return []

    # -- the readers ------------------------------------------------------------------------

    def _read_work(self, conn: sqlite3.Connection) -> None:
        """A reader thread: its own read-only connection; each read is one snapshot."""
        try:
            while True:
                job = self._read_queue.get()
                if job is None:
                    return
                _run_call(job, conn, snapshot=True)
                del job
        finally:
            conn.close()

    # -- the doors --------------------------------------------------------------------------

    async def call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn(connection)` on the writer's connection, outside any transaction (opening,
        migrations)."""
        return await self._submit(self._queue, fn, write=False)

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn(connection)` on a read-only connection, in one read transaction (one snapshot
        of the last committed state). On the writer when there is no pool."""
        self.reads += 1
        if not self._read_threads:
            return await self.call(fn)
        return await self._submit(self._read_queue, fn, write=False)

    async def write(self, fn: Callable[[sqlite3.Connection], T], *, durable: bool = True) -> T:
        """Run `fn(connection)` atomically (all of it commits, or none of it); answered once it
        is durable. `durable=False` is for what a crash may lose (notifications): it rides on
        the next group's COMMIT, and a group of such writes only commits without an fsync."""
        self.writes += 1
        self.pending_writes += 1  # on the loop only, like the decrement
        try:
            return await self._submit(self._queue, fn, write=True, durable=durable)
        finally:
            self.pending_writes -= 1

    async def _submit(self, into: queue.SimpleQueue[_Job | None],
                      fn: Callable[[sqlite3.Connection], T], *, write: bool,
                      durable: bool = True) -> T:
        if self._thread is None:
            raise StoreUnavailableError(f"the database {self.path} is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        into.put(_Job(fn, future, loop, write, durable))
        return await future

    async def lookup(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """The rows of a primary-key `SELECT`, read at once on the event loop (see the module
        docstring). All rows are fetched, so the statement is reset and no read transaction
        stays open to pin an old snapshot."""
        self.lookups += 1
        if self._reader is not None:
            try:
                return self._reader.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise
                # busy (never waited for): let the writer's connection, which may wait, do it
        return await self.call(lambda c: c.execute(sql, params).fetchall())

    async def trace(self, callback: Callable[[str], object] | None) -> None:
        """Send every statement any connection runs to `callback` (None: stop). For tests that
        count statements; call it while no read is in flight."""
        await self.call(lambda c: c.set_trace_callback(callback))
        for conn in [*self._read_conns, *([self._reader] if self._reader else [])]:
            conn.set_trace_callback(callback)

    async def close(self) -> None:
        if self._reader is not None:
            reader, self._reader = self._reader, None
            reader.close()
        loop = asyncio.get_running_loop()
        threads, self._read_threads = self._read_threads, []
        for _ in threads:
            self._read_queue.put(None)
        for thread in threads:
            await loop.run_in_executor(None, thread.join)
        self._read_conns = []
        if self._thread is None:
            return
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await self.call(lambda _: conn.close())
        thread, self._thread = self._thread, None
        self._queue.put(None)
        await loop.run_in_executor(None, thread.join)
        for fd in (self._lock_fd, self._turn_fd):
            if fd is not None:
                os.close(fd)
        self._lock_fd = self._turn_fd = None


def _finish(result: Any) -> Any:
    """Close a returned cursor here, on the connection's thread: a cursor reset on the loop
    while this thread runs the next call is API misuse (rowcount and lastrowid stay readable)."""
    if isinstance(result, sqlite3.Cursor):
        result.close()
    return result


def _run_call(job: _Job, conn: sqlite3.Connection | None, snapshot: bool = False) -> None:
    """Run one call and hand its outcome back to the loop that awaits it."""
    try:
        if snapshot:
            assert conn is not None
            conn.execute("BEGIN")
            try:
                result = _finish(job.fn(conn))
            finally:
                conn.execute("COMMIT")
        else:
            # None only once `close` took the connection: its own last call ignores the argument.
            result = _finish(job.fn(cast(sqlite3.Connection, conn)))
    except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
        job.loop.call_soon_threadsafe(_settle, job.future, None, exc)
    else:
        job.loop.call_soon_threadsafe(_settle, job.future, result, None)


def _settle(future: asyncio.Future, result: Any, error: BaseException | None) -> None:
    """On the loop: deliver the outcome, unless the caller gave up waiting (the work was done)."""
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


@contextmanager
def _synchronous(conn: sqlite3.Connection, durable: bool) -> Iterator[None]:
    """`synchronous=NORMAL` (WAL: the COMMIT skips its fsync, the next durable one syncs it) for
    a transaction of non-durable writes only; the writer's connection is FULL otherwise."""
    if durable:
        yield
        return
    conn.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        conn.execute("PRAGMA synchronous=FULL")


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

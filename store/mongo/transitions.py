"""The writes of one workflow transition, atomic where the deployment allows it.

Ending a job is three writes: the winning conditional update of the result, the history record
of the ended job, and the `$inc` of the task's status counters (an admin batch: its bulk update,
the dropped jobs' records, one `$inc`). On a replica set or a sharded cluster they run in one
multi-document transaction (`with_transaction`, which retries a transaction that met a transient
error or a write conflict), so no reader sees one without the others and a crash leaves none.

A standalone server (and mongomock, the tests' stand-in) has no transactions: the writes run one
after the other with no session. The winning update still decides every race; a process killed
after it leaves a history record or a counter missing. The counters are recounted at every open
(`MongoTasks.repair_counts`); a missing history record only makes a late update of that job say
JOB_DENIED "unknown job" instead of "finished" (README, MongoDB section).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pymongo.errors import PyMongoError

T = TypeVar("T")

#: The transition's writes, given the session to pass to every operation (None: no session).
Writes = Callable[[Any], Awaitable[T]]


async def supports_transactions(db: Any) -> bool:
    """Whether the deployment of `db` is a replica set or a sharded cluster (the `hello`
    command names a set, or a mongos answers it). A standalone server, or a stand-in without
    `hello` (mongomock), is not."""
    try:
        hello = await db.command("hello")
    except (PyMongoError, NotImplementedError):  # mongomock has no `hello`
        return False
    return bool(hello.get("setName") or hello.get("msg") == "isdbgrid")


class Transitions:
    """Runs a transition's writes in a transaction when the deployment supports them.

    The deployment is asked once, at the first transition (a server does not turn from
    standalone into a replica set under a running process; a restart asks again)."""

    def __init__(self, client: Any, db: Any) -> None:
        """`db` on `client` (Motor's, or mongomock-motor's)."""
        self._client = client
        self._db = db
        self._atomic: bool | None = None

    async def atomic(self) -> bool:
        """Whether `run` uses a transaction here."""
        if self._atomic is None:
            self._atomic = await supports_transactions(self._db)
        return self._atomic

    async def run(self, writes: Writes[T]) -> T:
        """`writes(session)` inside a transaction (retried as a whole on a transient error, so
        it must only write through `session`), or `writes(None)` on a standalone server."""
        if not await self.atomic():
            return await writes(None)
        async with await self._client.start_session() as session:
            return await session.with_transaction(writes)

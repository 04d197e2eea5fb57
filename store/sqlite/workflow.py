"""Workflow on the embedded engine: tasks, claims and transitions, results, labels.

SQLite runs every write of a process on one thread, and `_db.write` makes each call atomic (its
own transaction, or its own savepoint in a group commit); on top of that, each race (claim, end,
label write) is decided by one conditional `UPDATE … RETURNING`, so the code stays correct with
several processes (`serve --workers N`) writing the same file.
"""
from __future__ import annotations

from store.repositories.workflow import WorkflowRepository
from store.sqlite.database import SqliteDatabase
from store.sqlite.workflow_claims import SqliteClaims
from store.sqlite.workflow_labels import SqliteLabels
from store.sqlite.workflow_results import SqliteResults
from store.sqlite.workflow_tasks import SqliteTasks


class SqliteWorkflow(SqliteTasks, SqliteClaims, SqliteResults, SqliteLabels, WorkflowRepository):
    _db: SqliteDatabase

    async def count_tasks_using(self, *, dataset_id: str | None = None,
                                spec_id: str | None = None) -> int:
        column, value = ("dataset_id", dataset_id) if dataset_id is not None else ("spec_id", spec_id)
        return await self._db.read(lambda c: c.execute(
            f"SELECT count(*) FROM tasks WHERE {column} = ?", (value,)).fetchone()[0])

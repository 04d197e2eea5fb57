"""Workflow on the embedded engine."""
from __future__ import annotations

from store.repositories.workflow import WorkflowRepository
from store.sqlite.database import SqliteDatabase


class SqliteWorkflow(WorkflowRepository):
    _db: SqliteDatabase

    async def count_tasks_using(self, *, dataset_id: str | None = None,
                                spec_id: str | None = None) -> int:
        column, value = ("dataset_id", dataset_id) if dataset_id is not None else ("spec_id", spec_id)
        return await self._db.call(lambda c: c.execute(
            f"SELECT count(*) FROM tasks WHERE {column} = ?", (value,)).fetchone()[0])

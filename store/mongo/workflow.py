"""Workflow on the MongoDB engine."""
from __future__ import annotations

from typing import Any

from store.repositories.workflow import WorkflowRepository


class MongoWorkflow(WorkflowRepository):
    _db: Any  # motor AsyncIOMotorDatabase

    async def count_tasks_using(self, *, dataset_id: str | None = None,
                                spec_id: str | None = None) -> int:
        query = {"dataset_id": dataset_id} if dataset_id is not None else {"spec_id": spec_id}
        return await self._db.tasks.count_documents(query)

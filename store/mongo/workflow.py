"""Workflow on the MongoDB engine: tasks, claims and transitions, results, labels.

No multi-document transactions are needed: every race is decided by one conditional update of
one result document (see workflow_claims); what follows a winning update (history record,
status counters) only records what it decided.
"""
from __future__ import annotations

from typing import Any

from store.mongo.workflow_claims import MongoClaims
from store.mongo.workflow_labels import MongoLabels
from store.mongo.workflow_results import MongoResults
from store.mongo.workflow_tasks import MongoTasks
from store.repositories.workflow import WorkflowRepository


class MongoWorkflow(MongoTasks, MongoClaims, MongoResults, MongoLabels, WorkflowRepository):
    _db: Any  # motor AsyncIOMotorDatabase

    async def count_tasks_using(self, *, dataset_id: str | None = None,
                                spec_id: str | None = None) -> int:
        query = {"dataset_id": dataset_id} if dataset_id is not None else {"spec_id": spec_id}
        return await self._db.tasks.count_documents(query)

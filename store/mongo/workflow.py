"""Workflow on the MongoDB engine."""
from __future__ import annotations

from typing import Any

from store.repositories.workflow import WorkflowRepository


class MongoWorkflow(WorkflowRepository):
    _db: Any  # motor AsyncIOMotorDatabase

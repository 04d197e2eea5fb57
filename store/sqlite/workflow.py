"""Workflow on the embedded engine."""
from __future__ import annotations

from store.repositories.workflow import WorkflowRepository
from store.sqlite.database import SqliteDatabase


class SqliteWorkflow(WorkflowRepository):
    _db: SqliteDatabase

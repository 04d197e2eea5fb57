"""Datasets on the embedded engine."""
from __future__ import annotations

from store.repositories.datasets import DatasetRepository
from store.sqlite.database import SqliteDatabase


class SqliteDatasets(DatasetRepository):
    _db: SqliteDatabase

"""Datasets on the MongoDB engine."""
from __future__ import annotations

from typing import Any

from store.repositories.datasets import DatasetRepository


class MongoDatasets(DatasetRepository):
    _db: Any  # motor AsyncIOMotorDatabase

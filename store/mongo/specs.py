"""Specs on the MongoDB engine."""
from __future__ import annotations

from typing import Any

from store.repositories.specs import SpecRepository


class MongoSpecs(SpecRepository):
    _db: Any  # motor AsyncIOMotorDatabase

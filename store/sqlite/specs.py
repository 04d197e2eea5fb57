"""Specs on the embedded engine."""
from __future__ import annotations

from store.repositories.specs import SpecRepository
from store.sqlite.database import SqliteDatabase


class SqliteSpecs(SpecRepository):
    _db: SqliteDatabase

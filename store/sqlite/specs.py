"""Specs on the embedded engine."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from store.errors import DuplicateKeyError
from store.records import SpecRecord
from store.repositories.datasets import DeleteOutcome
from store.repositories.specs import SpecRepository, spec_content_hash
from store.sqlite.database import SqliteDatabase


def _insert(c: sqlite3.Connection, spec: SpecRecord) -> None:
    c.execute("INSERT INTO specs (id, content_hash, doc) VALUES (?, ?, ?)",
              (spec["id"], spec_content_hash(spec), json.dumps(spec)))


def _find_equal(c: sqlite3.Connection, spec: SpecRecord | dict[str, Any]) -> SpecRecord | None:
    row = c.execute("SELECT doc FROM specs WHERE content_hash = ? ORDER BY seq LIMIT 1",
                    (spec_content_hash(spec),)).fetchone()
    return json.loads(row[0]) if row else None


class SqliteSpecs(SpecRepository):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def create_spec(self, spec: SpecRecord) -> SpecRecord:
        try:
            await self._db.write(lambda c: _insert(c, spec))
        except sqlite3.IntegrityError as exc:
            raise DuplicateKeyError(f"spec {spec['id']!r} already exists") from exc
        return spec

    async def get_or_create_spec(self, spec: SpecRecord) -> tuple[SpecRecord, bool]:
        def get_or_create(c: sqlite3.Connection) -> tuple[SpecRecord, bool]:
            # One transaction: two concurrent callers with equal content get the same spec.
            existing = _find_equal(c, spec)
            if existing is not None:
                return existing, False
            _insert(c, spec)
            return spec, True

        try:
            return await self._db.write(get_or_create)
        except sqlite3.IntegrityError as exc:
            raise DuplicateKeyError(f"spec {spec['id']!r} already exists") from exc

    async def find_equal_spec(self, spec: SpecRecord | dict[str, Any]) -> SpecRecord | None:
        return await self._db.read(lambda c: _find_equal(c, spec))

    async def get_spec(self, spec_id: str) -> SpecRecord | None:
        row = await self._db.read(lambda c: c.execute(
            "SELECT doc FROM specs WHERE id = ?", (spec_id,)).fetchone())
        return json.loads(row[0]) if row else None

    async def get_specs(self, spec_ids: Sequence[str]) -> list[SpecRecord | None]:
        def read(c: sqlite3.Connection) -> dict[str, SpecRecord]:
            found: dict[str, SpecRecord] = {}
            unique = list(dict.fromkeys(spec_ids))
            for start in range(0, len(unique), 900):
                chunk = unique[start:start + 900]
                marks = ",".join("?" * len(chunk))
                for key, doc in c.execute(f"SELECT id, doc FROM specs WHERE id IN ({marks})", chunk):
                    found[key] = json.loads(doc)
            return found

        found = await self._db.read(read)
        return [found.get(i) for i in spec_ids]

    async def list_specs(self) -> list[SpecRecord]:
        rows = await self._db.read(lambda c: c.execute("SELECT doc FROM specs ORDER BY seq").fetchall())
        return [json.loads(r[0]) for r in rows]

    async def update_spec(self, spec_id: str, label_schema: Any, settings: Any) -> SpecRecord | None:
        def update(c: sqlite3.Connection) -> SpecRecord | None:
            row = c.execute("SELECT doc FROM specs WHERE id = ?", (spec_id,)).fetchone()
            if row is None:
                return None
            spec: SpecRecord = json.loads(row[0])
            spec["label_schema"] = label_schema
            spec.pop("settings", None)
            if settings is not None:
                spec["settings"] = settings
            c.execute("UPDATE specs SET doc = ?, content_hash = ? WHERE id = ?",
                      (json.dumps(spec), spec_content_hash(spec), spec_id))
            return spec

        return await self._db.write(update)

    async def delete_spec(self, spec_id: str) -> DeleteOutcome:
        def delete(c: sqlite3.Connection) -> DeleteOutcome:
            if c.execute("SELECT 1 FROM tasks WHERE spec_id = ? LIMIT 1", (spec_id,)).fetchone():
                return DeleteOutcome.IN_USE
            if c.execute("DELETE FROM specs WHERE id = ?", (spec_id,)).rowcount == 0:
                return DeleteOutcome.NOT_FOUND
            return DeleteOutcome.DELETED

        return await self._db.write(delete)

"""Specs on the MongoDB engine."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError as MongoDuplicateKeyError

from store.errors import DuplicateKeyError
from store.records import SpecRecord
from store.repositories.datasets import DeleteOutcome
from store.repositories.specs import SpecRepository, spec_content_hash

# `content_hash` is kept beside the DbSpec record for lookups, never returned as part of it.
SPEC_FIELDS = {"_id": 0, "content_hash": 0}


class MongoSpecs(SpecRepository):
    def __init__(self, db: Any) -> None:
        """`db`: a Motor database (or mongomock-motor's)."""
        self._db = db

    async def create_spec(self, spec: SpecRecord) -> SpecRecord:
        try:
            await self._db.specs.insert_one({**spec, "content_hash": spec_content_hash(spec)})
        except MongoDuplicateKeyError as exc:
            raise DuplicateKeyError(f"spec {spec['id']!r} already exists") from exc
        return spec

    async def get_or_create_spec(self, spec: SpecRecord) -> tuple[SpecRecord, bool]:
        # One upsert keyed on the content hash: equal content finds the existing document.
        digest = spec_content_hash(spec)
        try:
            before = await self._db.specs.find_one_and_update(
                {"content_hash": digest}, {"$setOnInsert": dict(spec)},
                projection=SPEC_FIELDS, upsert=True, sort=[("_id", 1)],
                return_document=ReturnDocument.BEFORE)
        except MongoDuplicateKeyError as exc:
            raise DuplicateKeyError(f"spec {spec['id']!r} already exists") from exc
        return (spec, True) if before is None else (before, False)

    async def find_equal_spec(self, spec: SpecRecord | dict[str, Any]) -> SpecRecord | None:
        cursor = self._db.specs.find({"content_hash": spec_content_hash(spec)}, SPEC_FIELDS)
        found = await cursor.sort("_id", 1).limit(1).to_list(None)
        return found[0] if found else None

    async def get_spec(self, spec_id: str) -> SpecRecord | None:
        return await self._db.specs.find_one({"id": spec_id}, SPEC_FIELDS)

    async def get_specs(self, spec_ids: Sequence[str]) -> list[SpecRecord | None]:
        found = {s["id"]: s async for s in self._db.specs.find(
            {"id": {"$in": list(set(spec_ids))}}, SPEC_FIELDS)}
        return [found.get(i) for i in spec_ids]

    async def list_specs(self) -> list[SpecRecord]:
        return await self._db.specs.find({}, SPEC_FIELDS).sort("_id", 1).to_list(None)

    async def update_spec(self, spec_id: str, label_schema: Any, settings: Any) -> SpecRecord | None:
        current = await self.get_spec(spec_id)
        if current is None:
            return None
        updated: SpecRecord = {**current}
        updated["label_schema"] = label_schema
        updated.pop("settings", None)
        if settings is not None:
            updated["settings"] = settings
        change: dict[str, Any] = {"$set": {"label_schema": label_schema,
                                           "content_hash": spec_content_hash(updated)}}
        if settings is None:
            change["$unset"] = {"settings": ""}
        else:
            change["$set"]["settings"] = settings
        return await self._db.specs.find_one_and_update(
            {"id": spec_id}, change, projection=SPEC_FIELDS, return_document=ReturnDocument.AFTER)

    async def delete_spec(self, spec_id: str) -> DeleteOutcome:
        if await self._db.tasks.find_one({"spec_id": spec_id}, {"_id": 1}):
            return DeleteOutcome.IN_USE
        result = await self._db.specs.delete_one({"id": spec_id})
        return DeleteOutcome.DELETED if result.deleted_count else DeleteOutcome.NOT_FOUND

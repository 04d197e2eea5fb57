"""The event log on MongoDB: an indexed `events` collection each instance reads from its cursor.

Chosen over change streams because it works on a standalone server as well as on a replica set
(change streams need one) and because a follower's cursor is a plain number. Sequence numbers
come from one counter document (`meta`, `_id: "event_seq"`) incremented once per batch, so two
instances never hand out the same number; their inserts may land out of order for a moment,
which the follower allows for (it waits briefly on a gap before skipping it).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import ReturnDocument

from store.repositories.events import EventRecord, EventRepository, NewEvent

COUNTER = {"_id": "event_seq"}
NO_ID = {"_id": 0}


class MongoEvents(EventRepository):
    def __init__(self, db: Any) -> None:
        """`db`: a Motor database (or mongomock-motor's)."""
        self._db = db

    async def append_events(self, events: Sequence[NewEvent]) -> list[int]:
        if not events:
            return []
        counter = await self._db.meta.find_one_and_update(
            COUNTER, {"$inc": {"value": len(events)}}, upsert=True,
            return_document=ReturnDocument.AFTER)
        first = int(counter["value"]) - len(events) + 1
        seqs = list(range(first, first + len(events)))
        await self._db.events.insert_many(
            [{"seq": seq, "at": e["at"], "task_name": e["task_name"], "kind": e["kind"],
              "data": e["data"]} for seq, e in zip(seqs, events, strict=False)], ordered=True)
        return seqs

    async def events_after(self, cursor: int, limit: int) -> list[EventRecord]:
        found = self._db.events.find({"seq": {"$gt": cursor}}, NO_ID).sort("seq", 1).limit(limit)
        return [EventRecord(seq=doc["seq"], at=doc["at"], task_name=doc["task_name"],
                            kind=doc["kind"], data=doc["data"]) async for doc in found]

    async def last_event_seq(self) -> int:
        counter = await self._db.meta.find_one(COUNTER)
        return int(counter["value"]) if counter else 0

    async def prune_events(self, before: float) -> int:
        return (await self._db.events.delete_many({"at": {"$lt": before}})).deleted_count

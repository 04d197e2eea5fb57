"""Login throttling on the MongoDB engine: one document per key in `login_failures`.

`expire_at` (a date) lets a TTL index drop a document a day after its last failure or lock. It
is housekeeping, so it follows the wall clock, not the injected one the logic uses; the window
and the longest lock are far shorter than a day.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError as MongoDuplicateKeyError

from store.repositories.throttle import LoginThrottleRepository

#: Kept this long after the last failure or lock.
KEEP_SECONDS = 24 * 3600.0


def _expiry() -> dict[str, datetime]:
    return {"expire_at": datetime.fromtimestamp(time.time() + KEEP_SECONDS, tz=timezone.utc)
            .replace(tzinfo=None)}


class MongoLoginThrottle(LoginThrottleRepository):
    def __init__(self, db: Any) -> None:
        """`db`: a Motor database (or mongomock-motor's)."""
        self._db = db

    async def login_locked_until(self, keys: list[str]) -> float:
        found = await self._db.login_failures.find(
            {"key": {"$in": keys}}, {"_id": 0, "locked_until": 1}).to_list(None)
        return max((float(d.get("locked_until", 0.0)) for d in found), default=0.0)

    async def record_login_failure(self, key: str, now: float, window: float) -> int:
        expire = _expiry()
        while True:
            # Within the window: one more failure.
            counted = await self._db.login_failures.find_one_and_update(
                {"key": key, "last_failure": {"$gte": now - window}},
                {"$inc": {"failures": 1}, "$set": {"last_failure": now, **expire}},
                projection={"_id": 0}, return_document=ReturnDocument.AFTER)
            if counted is not None:
                return int(counted["failures"])
            # New key, or the last failure is old: restart at 1, only if nobody did meanwhile
            # (the filter then matches nothing and the upsert's insert hits the unique key).
            try:
                await self._db.login_failures.update_one(
                    {"key": key, "$or": [{"last_failure": {"$lt": now - window}},
                                         {"last_failure": {"$exists": False}}]},
                    {"$set": {"failures": 1, "last_failure": now, **expire},
                     "$setOnInsert": {"locked_until": 0.0}}, upsert=True)
                return 1
            except MongoDuplicateKeyError:
                continue  # another failure of this key landed first: count on top of it

    async def lock_login(self, key: str, until: float) -> None:
        await self._db.login_failures.update_one(
            {"key": key}, {"$max": {"locked_until": until}, "$set": _expiry()})

    async def clear_login_failures(self, key: str) -> None:
        await self._db.login_failures.delete_one({"key": key})

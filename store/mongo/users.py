"""Users on the MongoDB engine."""
from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError as MongoDuplicateKeyError

from store.errors import DuplicateKeyError
from store.records import UserRecord
from store.repositories.users import UserRepository

NO_ID = {"_id": 0}


class MongoUsers(UserRepository):
    def __init__(self, db: Any) -> None:
        """`db`: a Motor database (or mongomock-motor's)."""
        self._db = db

    async def get_user(self, username: str) -> UserRecord | None:
        return await self._db.users.find_one({"username": username}, NO_ID)

    async def list_users(self) -> list[UserRecord]:
        return await self._db.users.find({}, NO_ID).sort("username", 1).to_list(None)

    async def count_users(self) -> int:
        return await self._db.users.count_documents({})

    async def create_user(self, user: UserRecord) -> None:
        try:
            await self._db.users.insert_one(dict(user))
        except MongoDuplicateKeyError as exc:
            raise DuplicateKeyError(f"user {user['username']!r} already exists") from exc

    async def update_user(self, username: str, changes: dict[str, Any]) -> UserRecord | None:
        if not changes:
            return await self.get_user(username)
        return await self._db.users.find_one_and_update(
            {"username": username}, {"$set": changes}, projection=NO_ID,
            return_document=ReturnDocument.AFTER,
        )

    async def delete_user(self, username: str) -> bool:
        result = await self._db.users.delete_one({"username": username})
        return result.deleted_count > 0

    async def revoke_session(self, username: str, session_id: str, expires_at: float,
                             now: float) -> int | None:
        current = await self.get_user(username)
        if current is None:
            return None
        # Only entries already expired are unset: racing logouts each $set their own key, and
        # none can undo another's (the read only chooses what is safe to drop).
        expired = [sid for sid, exp in (current.get("revoked_sessions") or {}).items()
                   if exp <= now and sid != session_id]
        update: dict[str, Any] = {"$set": {f"revoked_sessions.{session_id}": expires_at}}
        if expired:
            update["$unset"] = {f"revoked_sessions.{sid}": "" for sid in expired}
        after = await self._db.users.find_one_and_update(
            {"username": username}, update, projection=NO_ID,
            return_document=ReturnDocument.AFTER)
        return None if after is None else len(after.get("revoked_sessions") or {})

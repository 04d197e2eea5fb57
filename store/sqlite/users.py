"""Users on the embedded engine."""
from __future__ import annotations

import json
import sqlite3
from typing import Any, cast

from store.errors import DuplicateKeyError
from store.records import UserRecord
from store.repositories.users import UserRepository
from store.sqlite.database import SqliteDatabase


class SqliteUsers(UserRepository):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def get_user(self, username: str) -> UserRecord | None:
        rows = await self._db.lookup("SELECT doc FROM users WHERE username = ?", (username,))
        return json.loads(rows[0][0]) if rows else None

    async def list_users(self) -> list[UserRecord]:
        rows = await self._db.read(
            lambda c: c.execute("SELECT doc FROM users ORDER BY username").fetchall()
        )
        return [json.loads(r[0]) for r in rows]

    async def count_users(self) -> int:
        return await self._db.read(lambda c: c.execute("SELECT count(*) FROM users").fetchone()[0])

    async def create_user(self, user: UserRecord) -> None:
        def insert(c: sqlite3.Connection) -> None:
            c.execute(
                "INSERT INTO users (username, doc) VALUES (?, ?)",
                (user["username"], json.dumps(user)),
            )

        try:
            await self._db.write(insert)
        except sqlite3.IntegrityError as exc:
            raise DuplicateKeyError(f"user {user['username']!r} already exists") from exc

    async def update_user(self, username: str, changes: dict[str, Any]) -> UserRecord | None:
        def update(c: sqlite3.Connection) -> UserRecord | None:
            row = c.execute("SELECT doc FROM users WHERE username = ?", (username,)).fetchone()
            if row is None:
                return None
            user = cast(UserRecord, {**json.loads(row[0]), **changes})
            c.execute("UPDATE users SET doc = ? WHERE username = ?", (json.dumps(user), username))
            return user

        return await self._db.write(update)

    async def delete_user(self, username: str) -> bool:
        return await self._db.write(
            lambda c: c.execute("DELETE FROM users WHERE username = ?", (username,)).rowcount > 0
        )

    async def revoke_session(self, username: str, session_id: str, expires_at: float,
                             now: float) -> int | None:
        def revoke(c: sqlite3.Connection) -> int | None:
            row = c.execute("SELECT doc FROM users WHERE username = ?", (username,)).fetchone()
            if row is None:
                return None
            user = json.loads(row[0])
            revoked = {sid: exp for sid, exp in (user.get("revoked_sessions") or {}).items()
                       if exp > now}
            revoked[session_id] = expires_at
            user["revoked_sessions"] = revoked
            c.execute("UPDATE users SET doc = ? WHERE username = ?", (json.dumps(user), username))
            return len(revoked)

        return await self._db.write(revoke)  # one IMMEDIATE transaction: no lost revocation

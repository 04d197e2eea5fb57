"""Users: accounts, roles and preferences."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from store.records import UserRecord


class UserRepository(ABC):
    @abstractmethod
    async def get_user(self, username: str) -> UserRecord | None:
        """The user, or None when unknown."""

    @abstractmethod
    async def list_users(self) -> list[UserRecord]:
        """All users, ordered by username."""

    @abstractmethod
    async def count_users(self) -> int:
        """How many accounts exist (used to bootstrap the first admin)."""

    @abstractmethod
    async def create_user(self, user: UserRecord) -> None:
        """Insert a new user; DuplicateKeyError (and nothing written) if the username exists."""

    @abstractmethod
    async def update_user(self, username: str, changes: dict[str, Any]) -> UserRecord | None:
        """Apply `changes` (password, role, preferences) atomically; the updated user or None."""

    @abstractmethod
    async def delete_user(self, username: str) -> bool:
        """Remove the account; False when it did not exist."""

    @abstractmethod
    async def revoke_session(self, username: str, session_id: str, expires_at: float,
                             now: float) -> int | None:
        """Add `session_id` (valid until `expires_at`) to the user's `revoked_sessions` and drop
        the entries expired at `now`, atomically (two logouts at once both stick). The number of
        entries left, or None when the user does not exist."""

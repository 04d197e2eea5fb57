"""Login throttling state: failed logins per key (an account or a client address).

Kept in the store so every instance on one database sees the same counts and locks. The policy
(thresholds, growing lock durations) lives above the engines, in resolvers/auth/throttle.py; the
engines only count and remember locks, each step one atomic statement.
"""
from __future__ import annotations

from abc import ABC, abstractmethod


class LoginThrottleRepository(ABC):
    @abstractmethod
    async def login_locked_until(self, keys: list[str]) -> float:
        """The latest lock expiry among `keys` (0 when none is locked or known)."""

    @abstractmethod
    async def record_login_failure(self, key: str, now: float, window: float) -> int:
        """Count one failed login for `key` and return its failures within the window: the count
        restarts at 1 when the previous failure is older than `window` seconds. Atomic: racing
        failures are all counted."""

    @abstractmethod
    async def lock_login(self, key: str, until: float) -> None:
        """Refuse logins for `key` until `until` (a lock is only ever extended, never shortened)."""

    @abstractmethod
    async def clear_login_failures(self, key: str) -> None:
        """Forget `key`'s failures and lock (after a successful login)."""

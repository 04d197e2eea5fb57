"""Login throttling: growing locks per account and per client address, shared through the store.

Every failed login counts against the account named (known or not: probing unknown names costs
the same) and the client's address. From the Nth failure within the window (settings:
`login_account_failures`, `login_address_failures`, `login_failure_window`) the key is locked for
`login_lock_seconds`, doubled at each further failure up to `login_lock_max_seconds`. While a key
is locked every login naming it (or coming from it) is refused with RATE_LIMITED (HTTP 429,
`Retry-After`) before the password is even checked, so the right password does not open a lock.
A successful login clears the account's count, not the address's (one valid account must not
reset an address that guesses at others). The address is the TCP peer: behind a reverse proxy
every client shares the proxy's address, so raise `login_address_failures` there.
"""
from __future__ import annotations

import math

from graph.errors import ApiError, ErrorCode
from graph.settings import Settings
from store import Store


def _keys(settings: Settings, username: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(f"user:{username}", settings.login_account_failures)]
    if address:
        keys.append((f"addr:{address}", settings.login_address_failures))
    return keys


def lock_seconds(settings: Settings, failures: int, threshold: int) -> float:
    """How long the `failures`th failure locks a key whose threshold is `threshold` (0: none)."""
    if failures < threshold:
        return 0.0
    return min(settings.login_lock_seconds * 2 ** min(failures - threshold, 32),
               settings.login_lock_max_seconds)


async def refuse_if_locked(store: Store, settings: Settings, username: str,
                           address: str | None, now: float) -> None:
    until = await store.login_locked_until([key for key, _ in _keys(settings, username, address)])
    if until > now:
        wait = max(1, math.ceil(until - now))
        raise ApiError(ErrorCode.RATE_LIMITED,
                       f"too many failed logins: try again in {wait} s", retryAfter=wait)


async def count_failure(store: Store, settings: Settings, username: str, address: str | None,
                        now: float) -> None:
    for key, threshold in _keys(settings, username, address):
        failures = await store.record_login_failure(key, now, settings.login_failure_window)
        if (seconds := lock_seconds(settings, failures, threshold)) > 0:
            await store.lock_login(key, now + seconds)


async def count_success(store: Store, username: str) -> None:
    await store.clear_login_failures(f"user:{username}")

"""The login-throttling part of the store contract, run on both engines."""
from __future__ import annotations

import asyncio

from store import Store


async def test_failures_count_within_the_window_and_restart_after_it(store: Store) -> None:
    assert [await store.record_login_failure("user:zoe", 100.0 + i, window=60.0)
            for i in range(3)] == [1, 2, 3]
    assert await store.record_login_failure("addr:10.0.0.1", 102.0, window=60.0) == 1
    # the last failure of user:zoe was at 102; at 163 it is older than the window
    assert await store.record_login_failure("user:zoe", 163.0, window=60.0) == 1
    assert await store.record_login_failure("user:zoe", 164.0, window=60.0) == 2


async def test_locks_only_grow_and_are_read_across_keys(store: Store) -> None:
    assert await store.login_locked_until(["user:zoe", "addr:1.2.3.4"]) == 0.0
    await store.record_login_failure("user:zoe", 100.0, window=60.0)
    await store.record_login_failure("addr:1.2.3.4", 100.0, window=60.0)
    await store.lock_login("user:zoe", 500.0)
    await store.lock_login("user:zoe", 300.0)  # never shortened
    await store.lock_login("addr:1.2.3.4", 200.0)
    assert await store.login_locked_until(["user:zoe", "addr:1.2.3.4"]) == 500.0
    assert await store.login_locked_until(["addr:1.2.3.4"]) == 200.0
    await store.clear_login_failures("user:zoe")
    assert await store.login_locked_until(["user:zoe"]) == 0.0
    assert await store.record_login_failure("user:zoe", 101.0, window=60.0) == 1


async def test_racing_failures_are_all_counted(store: Store) -> None:
    counts = await asyncio.gather(*(store.record_login_failure("user:zoe", 100.0, window=60.0)
                                    for _ in range(25)))
    assert sorted(counts) == list(range(1, 26))

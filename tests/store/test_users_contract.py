"""The users part of the store contract, run on both engines."""
from __future__ import annotations

import pytest

from store import DuplicateKeyError, Store


def _user(name: str, role: str = "user") -> dict:
    return {"username": name, "password": "hash-of-" + name, "role": role, "preferences": {"theme": "dark"}}


async def test_create_get_list_count(store: Store) -> None:
    assert await store.count_users() == 0
    await store.create_user(_user("zoe"))
    await store.create_user(_user("adam", "admin"))
    assert await store.get_user("zoe") == _user("zoe")
    assert await store.get_user("nobody") is None
    assert [u["username"] for u in await store.list_users()] == ["adam", "zoe"]
    assert await store.count_users() == 2


async def test_duplicate_username_is_refused_and_nothing_is_overwritten(store: Store) -> None:
    await store.create_user(_user("zoe"))
    with pytest.raises(DuplicateKeyError):
        await store.create_user({**_user("zoe"), "password": "other", "role": "admin"})
    assert await store.get_user("zoe") == _user("zoe")
    assert await store.count_users() == 1


async def test_update_merges_changes_and_reports_unknown_users(store: Store) -> None:
    await store.create_user(_user("zoe"))
    updated = await store.update_user("zoe", {"role": "admin", "preferences": {"lang": "fr"}})
    assert updated == {**_user("zoe"), "role": "admin", "preferences": {"lang": "fr"}}
    assert await store.get_user("zoe") == updated
    assert await store.update_user("nobody", {"role": "admin"}) is None
    assert await store.update_user("zoe", {}) == updated


async def test_delete(store: Store) -> None:
    await store.create_user(_user("zoe"))
    assert await store.delete_user("zoe") is True
    assert await store.delete_user("zoe") is False
    assert await store.get_user("zoe") is None


async def test_revoke_session_adds_prunes_expired_and_reports_unknown_users(store: Store) -> None:
    await store.create_user(_user("zoe"))
    assert await store.revoke_session("zoe", "s1", 100.0, now=10.0) == 1
    assert await store.revoke_session("zoe", "s2", 200.0, now=10.0) == 2
    # s1 expired at 100: dropped when the next logout is recorded at 150
    assert await store.revoke_session("zoe", "s3", 300.0, now=150.0) == 2
    assert (await store.get_user("zoe"))["revoked_sessions"] == {"s2": 200.0, "s3": 300.0}
    assert await store.revoke_session("nobody", "s1", 100.0, now=10.0) is None
    assert await store.get_user("nobody") is None


async def test_concurrent_revocations_of_one_user_all_stick(store: Store) -> None:
    import asyncio

    await store.create_user(_user("zoe"))
    await asyncio.gather(*(store.revoke_session("zoe", f"s{i}", 1000.0, now=1.0) for i in range(20)))
    assert set((await store.get_user("zoe"))["revoked_sessions"]) == {f"s{i}" for i in range(20)}

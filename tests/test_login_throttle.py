"""Login throttling: issue 11's "200 wrong passwords in a row, all answered, the right one works at
once" now locks the account (and the address), 429 with Retry-After, growing, shared by instances."""
from __future__ import annotations

from tests.client import LOGIN, Caller
from tests.conftest import BOTH_ENGINES, USER_PASSWORD
from tests.instances import second_instance

pytestmark = BOTH_ENGINES


async def rest_login(http, username: str, password: str):
    response = await http.post("/api/v1/login", json={"username": username, "password": password})
    return response.status, response.headers.get("Retry-After")


async def test_the_right_password_does_not_open_a_locked_account(http, alice: Caller, clock) -> None:
    for _ in range(4):
        assert await rest_login(http, "alice", "wrong") == (401, None)
    assert await rest_login(http, "alice", "wrong") == (401, None)  # 5th: locks for 2 s
    assert await rest_login(http, "alice", USER_PASSWORD) == (429, "2")
    response = await http.post("/graphql", json={"query": LOGIN, "variables": {
        "username": "alice", "password": USER_PASSWORD}})
    body = await response.json()
    assert response.status == 429 and response.headers["Retry-After"] == "2"
    assert body["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 2}
    clock.advance(2)
    assert await rest_login(http, "alice", USER_PASSWORD) == (200, None)
    # the success cleared the account's count: four more failures do not lock it
    for _ in range(4):
        assert await rest_login(http, "alice", "wrong") == (401, None)
    assert await rest_login(http, "alice", USER_PASSWORD) == (200, None)


async def test_locks_grow_with_each_further_failure(http, alice: Caller, clock) -> None:
    for _ in range(5):
        await rest_login(http, "alice", "wrong")
    assert await rest_login(http, "alice", "wrong") == (429, "2")  # refused: not even counted
    waits = []
    for _ in range(4):
        clock.advance(int((await rest_login(http, "alice", "x"))[1]))
        assert (await rest_login(http, "alice", "wrong"))[0] == 401
        waits.append(int((await rest_login(http, "alice", USER_PASSWORD))[1]))
    assert waits == [4, 8, 16, 32]


async def test_many_accounts_from_one_address_lock_the_address(http, alice: Caller) -> None:
    for i in range(20):  # one guess per account name: no account reaches its own limit
        assert await rest_login(http, f"guess{i}", "wrong") == (401, None)
    status, retry = await rest_login(http, "alice", USER_PASSWORD)
    assert status == 429 and int(retry) >= 1


async def test_the_lock_is_in_the_store_so_every_instance_sees_it(http, aiohttp_client, settings,
                                                                   alice: Caller) -> None:
    for _ in range(5):
        await rest_login(http, "alice", "wrong")
    other = await second_instance(aiohttp_client, http, settings)
    assert await rest_login(other, "alice", USER_PASSWORD) == (429, "2")

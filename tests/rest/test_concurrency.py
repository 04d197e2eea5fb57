"""Many legacy clients at once: each request runs with its own context and response, so sessions
never leak between callers, and concurrent claims through REST never share an item."""
from __future__ import annotations

import asyncio

from tests.client import Caller
from tests.conftest import USER_PASSWORD, make_user
from tests.rest.legacy import LegacyClient
from tests.workflow.gql import create_task, image_folder

USERS = [f"user{i:02d}" for i in range(12)]


async def test_concurrent_logins_each_get_their_own_cookie(http, admin: Caller) -> None:
    for name in USERS:
        await make_user(http, admin, name)
    clients = [LegacyClient(http) for _ in USERS]
    try:
        await asyncio.gather(*(c.login(n, USER_PASSWORD) for c, n in zip(clients, USERS, strict=True)))
        profiles = await asyncio.gather(*(c.get("/profile") for c in clients))
        assert [body["username"] for _, body in profiles] == USERS
        tokens = {c.cookie("token") for c in clients}
        assert len(tokens) == len(USERS)
    finally:
        await asyncio.gather(*(c.close() for c in clients))


async def test_concurrent_claims_through_rest_never_share_an_item(http, admin: Caller, workspace) -> None:
    image_folder(workspace, 8)
    await create_task(admin)
    for name in USERS:
        await make_user(http, admin, name)
    clients = [LegacyClient(http) for _ in USERS]
    try:
        await asyncio.gather(*(c.login(n, USER_PASSWORD) for c, n in zip(clients, USERS, strict=True)))
        answers = await asyncio.gather(*(c.get("/tasks/cars/jobs/next?objective=to_annotate")
                                         for c in clients))
        assert all(status == 200 for status, _ in answers)
        jobs = [body for _, body in answers if body]
        assert len(jobs) == 8 and sum(1 for _, body in answers if body == {}) == 4
        assert len({job["data_id"] for job in jobs}) == 8  # eight items, eight different holders
        assert len({job["assigned_to"] for job in jobs}) == 8
    finally:
        await asyncio.gather(*(c.close() for c in clients))

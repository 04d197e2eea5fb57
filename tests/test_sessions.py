"""Sessions that end: logout, password and role changes, deletion, "log out everywhere".

Each test replays an attack of issue 11 (a token reused after the session should have ended, as
cookie or Bearer) and shows it is now refused, on the server side: the state lives in the store,
so a restarted server (a second app on the same workspace) refuses the token as well.
"""
from __future__ import annotations

from graph.services import SERVICES
from tests.client import Caller, login
from tests.conftest import BOTH_ENGINES, USER_PASSWORD, make_user
from tests.instances import second_instance

pytestmark = BOTH_ENGINES

UPDATE = """mutation U($input: UpdateUserInput!) {
  updateUser(input: $input) { user { username } } }"""
EVERYWHERE = """mutation E($input: LogoutEverywhereInput!) {
  logoutEverywhere(input: $input) { user { username role } } }"""


async def works_as_bearer(http, token: str) -> bool:
    response = await http.get("/api/v1/profile", headers={"Authorization": f"Bearer {token}"})
    return response.status == 200


async def works_as_cookie(http, token: str) -> bool:
    response = await http.get("/api/v1/profile", headers={"Cookie": f"token={token}"})
    return response.status == 200


async def test_rest_logout_revokes_the_token_as_cookie_and_as_bearer(http, alice: Caller) -> None:
    other = await login(http, "alice", USER_PASSWORD)  # a second session of the same user
    assert await works_as_cookie(http, alice.token)
    response = await http.get("/api/v1/logout", headers={"Cookie": f"token={alice.token}"})
    assert response.status == 200
    assert not await works_as_cookie(http, alice.token)
    assert not await works_as_bearer(http, alice.token)
    assert await works_as_bearer(http, other.token)  # only that session ended


async def test_graphql_logout_revokes_a_bearer_token_and_survives_a_restart(
        http, aiohttp_client, settings, alice: Caller) -> None:
    assert (await alice.gql("mutation { logout { user { username } } }")) == {
        "logout": {"user": {"username": "alice"}}}
    assert not await works_as_bearer(http, alice.token)
    # The dead token opens no session: logging out again ends nobody's.
    assert (await alice.gql("mutation { logout { user { username } } }")) == {"logout": {"user": None}}
    restarted = await second_instance(aiohttp_client, http, settings)
    assert not await works_as_bearer(restarted, alice.token)


async def test_a_password_change_ends_every_older_session(http, admin: Caller, alice: Caller) -> None:
    await admin.gql(UPDATE, {"input": {"username": "alice", "password": "changed-by-admin"}})
    assert not await works_as_bearer(http, alice.token)
    fresh = await login(http, "alice", "changed-by-admin")
    assert await works_as_bearer(http, fresh.token)


async def test_changing_ones_own_password_keeps_the_caller_logged_in_by_cookie(http, alice: Caller) -> None:
    response = await http.post("/graphql", headers={"Cookie": f"token={alice.token}"}, json={
        "query": UPDATE, "variables": {"input": {"username": "alice", "password": "mine-now"}}})
    assert response.status == 200 and "errors" not in await response.json()
    renewed = response.cookies["token"].value
    http.session.cookie_jar.clear()  # each check below sends exactly one token
    assert renewed != alice.token
    assert await works_as_cookie(http, renewed)
    assert not await works_as_cookie(http, alice.token)


async def test_a_role_change_ends_every_older_session(http, admin: Caller, alice: Caller) -> None:
    await admin.gql(UPDATE, {"input": {"username": "alice", "role": "USER"}})  # no change
    assert await works_as_bearer(http, alice.token)
    await admin.gql(UPDATE, {"input": {"username": "alice", "role": "ADMIN"}})
    assert not await works_as_bearer(http, alice.token)


async def test_a_recreated_account_never_accepts_the_old_token(http, admin: Caller) -> None:
    dave = await make_user(http, admin, "dave")
    assert await works_as_bearer(http, dave.token)
    await admin.gql('mutation { deleteUser(input: {username: "dave"}) { deletedId } }')
    assert not await works_as_bearer(http, dave.token)
    await make_user(http, admin, "dave")
    assert not await works_as_bearer(http, dave.token)


async def test_log_out_everywhere_for_oneself(http, alice: Caller) -> None:
    other = await login(http, "alice", USER_PASSWORD)
    data = await alice.gql(EVERYWHERE, {"input": {}})
    assert data["logoutEverywhere"]["user"] == {"username": "alice", "role": "USER"}
    assert not await works_as_bearer(http, alice.token)
    assert not await works_as_bearer(http, other.token)
    assert await works_as_bearer(http, (await login(http, "alice", USER_PASSWORD)).token)


async def test_log_out_everywhere_by_an_admin_and_never_by_another_user(
        http, admin: Caller, alice: Caller, bob: Caller) -> None:
    failure = await bob.gql_error(EVERYWHERE, {"input": {"username": "alice"}})
    assert failure.code == "FORBIDDEN"
    assert await works_as_bearer(http, alice.token)
    assert await bob.rest("DELETE", "/users/alice/sessions") == (403, {
        "type": "forbidden", "message": "only an administrator may end another user's sessions"})
    assert (await admin.gql_error(EVERYWHERE, {"input": {"username": "ghost"}})).code == "NOT_FOUND"
    status, _ = await admin.rest("DELETE", "/users/alice/sessions")
    assert status == 204
    assert not await works_as_bearer(http, alice.token)
    assert await works_as_bearer(http, bob.token)
    assert await works_as_bearer(http, admin.token)


async def test_many_logouts_keep_the_user_record_small(http, admin: Caller, settings) -> None:
    from resolvers.auth.sessions import MAX_REVOKED

    await make_user(http, admin, "carol")
    for _ in range(MAX_REVOKED + 2):
        caller = await login(http, "carol", USER_PASSWORD)
        await caller.gql("mutation { logout { user { username } } }")
    last = await login(http, "carol", USER_PASSWORD)
    assert await works_as_bearer(http, last.token)
    record = await http.server.app[SERVICES].store.get_user("carol")
    assert len(record.get("revoked_sessions", {})) <= MAX_REVOKED

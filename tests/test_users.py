"""Users and sessions through GraphQL: login, tokens, permissions, and no password ever leaking."""
from __future__ import annotations

import jwt
import pytest

from store.migrations import SCHEMA_VERSION
from tests.client import CREATE_USER, LOGIN, Caller, login
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, make_user

ME = "{ me { username role preferences } }"
USERS = "{ users { nodes { username role } } }"
UPDATE = """mutation U($input: UpdateUserInput!) {
  updateUser(input: $input) { user { username role preferences } } }"""
DELETE = """mutation D($username: String!) {
  deleteUser(input: {username: $username}) { deletedId deletedUsername } }"""


async def test_login_sets_an_httponly_lax_cookie_that_authenticates(http) -> None:
    response = await http.post("/graphql", json={"query": LOGIN, "variables": {
        "username": "admin", "password": ADMIN_PASSWORD}})
    body = await response.json()
    assert body["data"]["login"]["user"] == {"username": "admin", "role": "ADMIN"}
    cookie = response.cookies["token"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert cookie.value == body["data"]["login"]["token"]
    me = await (await http.post("/graphql", json={"query": ME})).json()  # cookie jar sends it
    assert me["data"]["me"]["username"] == "admin"


@pytest.mark.parametrize("username,password", [("admin", "wrong"), ("ghost", "whatever")])
async def test_wrong_password_and_unknown_user_get_the_same_answer(anonymous: Caller, username, password) -> None:
    failure = await anonymous.gql_error(LOGIN, {"username": username, "password": password})
    assert failure.code == "UNAUTHENTICATED"
    assert failure.message == "wrong username or password"


async def test_bearer_token_works_and_forged_or_missing_tokens_do_not(http, admin: Caller, settings) -> None:
    assert (await admin.gql(ME))["me"]["username"] == "admin"
    forged = jwt.encode({"sub": "admin", "exp": 4_000_000_000}, "not-the-secret-" * 3, algorithm="HS256")
    for caller in (Caller(http), Caller(http, token=forged), Caller(http, token="garbage")):
        assert (await caller.gql_error(ME)).code == "UNAUTHENTICATED"


async def test_tokens_expire_after_24_hours_and_are_renewed_when_close(http, admin: Caller, clock) -> None:
    clock.advance(22 * 3600)
    response = await http.post("/graphql", json={"query": ME}, cookies={"token": admin.token})
    assert "token" not in response.cookies  # more than an hour left: no renewal
    clock.advance(1.5 * 3600)
    response = await http.post("/graphql", json={"query": ME}, cookies={"token": admin.token})
    assert (await response.json())["data"]["me"]["username"] == "admin"
    renewed = response.cookies["token"].value
    assert renewed and renewed != admin.token
    clock.advance(3600)  # the original token is now 24.5 h old
    assert (await admin.gql_error(ME)).code == "UNAUTHENTICATED"
    assert (await Caller(http, token=renewed).gql(ME))["me"]["username"] == "admin"


async def test_admin_creates_users_and_duplicates_conflict_without_overwriting(http, admin: Caller) -> None:
    created = await admin.gql(CREATE_USER, {"input": {"username": "carol", "password": "first-pass",
                                                      "preferences": {"lang": "fr"}}})
    assert created["createUser"]["user"] == {"username": "carol", "role": "USER"}
    again = await admin.gql_error(CREATE_USER, {"input": {"username": "carol", "password": "second",
                                                          "role": "ADMIN"}})
    assert again.code == "CONFLICT" and "carol" in again.message
    carol = await login(http, "carol", "first-pass")  # old password still valid, role unchanged
    assert (await carol.gql(ME))["me"] == {"username": "carol", "role": "USER", "preferences": {"lang": "fr"}}


@pytest.mark.parametrize("variables,field", [
    ({"username": "", "password": "x"}, "username"),
    ({"username": "bad name!", "password": "x"}, "username"),
    ({"username": "ok", "password": ""}, "password"),
    ({"username": "ok", "password": "x" * 2000}, "password"),
    ({"username": "ok", "password": "x", "preferences": [1, 2]}, "preferences"),
])
async def test_bad_user_input_is_refused_and_nothing_is_created(admin: Caller, variables, field) -> None:
    failure = await admin.gql_error(CREATE_USER, {"input": variables})
    assert failure.code == "BAD_USER_INPUT" and failure.errors[0]["extensions"]["field"] == field
    assert [u["username"] for u in (await admin.gql(USERS))["users"]["nodes"]] == ["admin"]


async def test_plain_users_cannot_administer(http, admin: Caller, alice: Caller) -> None:
    for query, variables in [(USERS, None), (CREATE_USER, {"input": {"username": "x", "password": "y"}}),
                             (DELETE, {"username": "admin"}),
                             ("{ user(username: \"admin\") { username } }", None)]:
        assert (await alice.gql_error(query, variables)).code == "FORBIDDEN"
        assert (await Caller(http).gql_error(query, variables)).code == "UNAUTHENTICATED"
    assert len((await admin.gql(USERS))["users"]["nodes"]) == 2


async def test_users_change_their_own_preferences_and_password_but_not_their_role(http, alice: Caller) -> None:
    changed = await alice.gql(UPDATE, {"input": {"username": "alice", "preferences": {"zoom": 2},
                                                 "password": "new-password"}})
    assert changed["updateUser"]["user"] == {"username": "alice", "role": "USER", "preferences": {"zoom": 2}}
    alice = await login(http, "alice", "new-password")  # the password change ended the old session
    assert (await anonymous_login_fails(http, "alice", USER_PASSWORD))
    failure = await alice.gql_error(UPDATE, {"input": {"username": "alice", "role": "ADMIN"}})
    assert failure.code == "FORBIDDEN"
    failure = await alice.gql_error(UPDATE, {"input": {"username": "admin", "preferences": {}}})
    assert failure.code == "FORBIDDEN"


async def anonymous_login_fails(http, username: str, password: str) -> bool:
    return (await Caller(http).gql_error(LOGIN, {"username": username, "password": password})).code == "UNAUTHENTICATED"


async def test_admin_updates_roles_but_never_demotes_or_deletes_themself(http, admin: Caller, alice: Caller) -> None:
    promoted = await admin.gql(UPDATE, {"input": {"username": "alice", "role": "ADMIN"}})
    assert promoted["updateUser"]["user"]["role"] == "ADMIN"
    assert (await admin.gql_error(UPDATE, {"input": {"username": "admin", "role": "USER"}})).code == "BAD_USER_INPUT"
    assert (await admin.gql_error(DELETE, {"username": "admin"})).code == "BAD_USER_INPUT"
    assert (await admin.gql_error(UPDATE, {"input": {"username": "ghost", "preferences": {}}})).code == "NOT_FOUND"
    assert (await admin.gql(ME))["me"]["role"] == "ADMIN"


async def test_deleting_a_user_kills_their_sessions(http, admin: Caller, alice: Caller) -> None:
    alice_id = (await admin.gql('{ user(username: "alice") { id } }'))["user"]["id"]
    deleted = (await admin.gql(DELETE, {"username": "alice"}))["deleteUser"]
    assert deleted == {"deletedId": alice_id, "deletedUsername": "alice"}  # what caches evict
    assert (await alice.gql_error(ME)).code == "UNAUTHENTICATED"
    assert (await admin.gql_error(DELETE, {"username": "alice"})).code == "NOT_FOUND"


async def test_user_query_is_open_to_oneself(admin: Caller, alice: Caller) -> None:
    assert (await alice.gql('{ user(username: "alice") { username } }'))["user"]["username"] == "alice"
    assert (await admin.gql_error('{ user(username: "ghost") { username } }')).code == "NOT_FOUND"


async def test_no_response_contains_a_password_or_its_hash(http, admin: Caller, alice: Caller) -> None:
    bodies = []
    for caller, query in [(admin, USERS), (admin, ME), (alice, ME),
                          (admin, "{ users { nodes { username role preferences } } }"),
                          (admin, '{ user(username: "alice") { username preferences } }')]:
        bodies.append(str(await caller.raw_gql(query)))
    bodies.append(str(await Caller(http).raw_gql(LOGIN, {"username": "alice", "password": USER_PASSWORD})))
    bodies.append(str(await Caller(http).raw_gql(LOGIN, {"username": "alice", "password": "wrong"})))
    for body in bodies:
        assert "$argon2" not in body and USER_PASSWORD not in body and ADMIN_PASSWORD not in body
    failure = await admin.gql_error('{ users { nodes { username password } } }')
    assert "password" in failure.message  # the field does not exist at all


async def test_malformed_requests_get_400(http) -> None:
    assert (await http.post("/graphql", data="{not json", headers={"content-type": "application/json"})).status == 400
    assert (await http.post("/graphql", json={"variables": {}})).status == 400
    syntax = await (await http.post("/graphql", json={"query": "{ me {"})).json()
    assert "Syntax Error" in syntax["errors"][0]["message"]


async def test_queries_over_get_are_refused(http, admin: Caller) -> None:
    response = await http.get("/graphql", params={"query": "{ me { username } }"}, headers=admin.headers)
    assert response.status in (400, 405)


async def test_introspection_is_for_admins(admin: Caller, alice: Caller) -> None:
    query = "{ __schema { queryType { name } } }"
    assert (await admin.gql(query))["__schema"]["queryType"]["name"] == "Query"
    assert "introspection" in (await alice.gql_error(query)).message


async def test_healthz_reports_the_store(http) -> None:
    response = await http.get("/healthz")
    body = await response.json()
    assert response.status == 200 and body["status"] == "ok"
    assert body["store"]["engine"] in {"sqlite", "mongodb"}
    assert body["store"]["version"] == str(SCHEMA_VERSION)


async def test_second_admin_can_be_created_and_first_start_made_one_admin(admin: Caller, http) -> None:
    await make_user(http, admin, "root2", role="ADMIN")
    assert sorted(u["username"] for u in (await admin.gql(USERS))["users"]["nodes"]) == ["admin", "root2"]


async def test_bad_variable_values_are_explained_not_masked(admin: Caller) -> None:
    failure = await admin.gql_error(CREATE_USER, {"input": {"username": "x", "password": "y", "role": "NOPE"}})
    assert "NOPE" in failure.message and "Role" in failure.message
    failure = await admin.gql_error(CREATE_USER, {"input": {"username": 1, "password": "y"}})
    assert "String cannot represent" in failure.message

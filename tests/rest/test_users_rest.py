"""Users and sessions through /api/v1, and the same user cases run through GraphQL and REST."""
from __future__ import annotations

import pytest

from tests.client import CREATE_USER, LOGIN, Caller
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD
from tests.rest.doors import DOORS, Action, expect, perform
from tests.rest.legacy import LegacyClient

# ---- the same cases through both doors ----

CREATE = Action(
    graphql=lambda username, password="pw-123", role="USER": (
        CREATE_USER, {"input": {"username": username, "password": password, "role": role}}, "createUser.user"),
    rest=lambda username, password="pw-123", role="USER": (
        "POST", "/users", {"username": username, "password": password, "role": role.lower()}),
)
UPDATE = Action(
    graphql=lambda username, **changes: (
        """mutation U($input: UpdateUserInput!) { updateUser(input: $input) { user { username } } }""",
        {"input": {"username": username, **{k: (v.upper() if k == "role" else v) for k, v in changes.items()}}},
        "updateUser.user"),
    rest=lambda username, **changes: ("PUT", f"/users/{username}", changes),
)
DELETE = Action(
    graphql=lambda username: ("mutation D($u: String!) { deleteUser(input: {username: $u}) { deletedUsername } }",
                              {"u": username}, "deleteUser.deletedUsername"),
    rest=lambda username: ("DELETE", f"/users/{username}", None),
)
PROFILE = Action(graphql=lambda: ("{ me { username } }", {}, "me"), rest=lambda: ("GET", "/profile", None))
USERS = Action(graphql=lambda: ("{ users { nodes { username } } }", {}, "users.nodes"), rest=lambda: ("GET", "/users", None))
SIGN_IN = Action(
    graphql=lambda username, password: (LOGIN, {"username": username, "password": password}, "login"),
    rest=lambda username, password: ("POST", "/login", {"username": username, "password": password}),
)


@pytest.mark.parametrize("door", DOORS)
async def test_admin_creates_a_user_once_then_conflict(door, admin: Caller) -> None:
    expect(await perform(door, admin, CREATE, username="carol"), None)
    # GraphQL says CONFLICT; the API document wants 400 for an existing user.
    expect(await perform(door, admin, CREATE, username="carol", role="ADMIN"), "CONFLICT", rest_status=400)
    users = await admin.gql("{ users { nodes { username role } } }")
    assert {"username": "carol", "role": "USER"} in users["users"]["nodes"]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("username,password", [("", "x"), ("bad name!", "x"), ("ok", "")])
async def test_bad_user_input_is_refused(door, admin: Caller, username, password) -> None:
    expect(await perform(door, admin, CREATE, username=username, password=password), "BAD_USER_INPUT")
    assert [u["username"] for u in (await admin.gql("{ users { nodes { username } } }"))["users"]["nodes"]] == ["admin"]


@pytest.mark.parametrize("door", DOORS)
async def test_who_may_administer_users(door, http, admin: Caller, alice: Caller) -> None:
    anonymous = Caller(http)
    for caller, code in [(anonymous, "UNAUTHENTICATED"), (alice, "FORBIDDEN")]:
        expect(await perform(door, caller, CREATE, username="x"), code)
        expect(await perform(door, caller, USERS), code)
        expect(await perform(door, caller, DELETE, username="admin"), code)
        expect(await perform(door, caller, UPDATE, username="admin", preferences={}), code)
    expect(await perform(door, anonymous, PROFILE), "UNAUTHENTICATED")
    expect(await perform(door, alice, UPDATE, username="alice", role="admin"), "FORBIDDEN")
    expect(await perform(door, alice, UPDATE, username="alice", preferences={"zoom": 2}), None)
    assert (await alice.gql("{ me { preferences } }"))["me"]["preferences"] == {"zoom": 2}


@pytest.mark.parametrize("door", DOORS)
async def test_admin_never_deletes_or_demotes_themself_and_unknown_users_are_404(door, admin: Caller) -> None:
    expect(await perform(door, admin, DELETE, username="admin"), "BAD_USER_INPUT")
    expect(await perform(door, admin, UPDATE, username="admin", role="user"), "BAD_USER_INPUT")
    expect(await perform(door, admin, DELETE, username="ghost"), "NOT_FOUND")
    expect(await perform(door, admin, UPDATE, username="ghost", preferences={}), "NOT_FOUND")
    assert (await admin.gql("{ me { role } }"))["me"]["role"] == "ADMIN"


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("username,password", [("admin", "wrong"), ("ghost", "whatever")])
async def test_wrong_credentials_are_refused_alike(door, http, username, password) -> None:
    outcome = await perform(door, Caller(http), SIGN_IN, username=username, password=password)
    expect(outcome, "UNAUTHENTICATED")
    assert outcome.value == "wrong username or password"


# ---- REST specifics: legacy shapes, cookies, spellings, status codes ----

@pytest.fixture
async def legacy(http):
    clients: list[LegacyClient] = []

    def make() -> LegacyClient:
        clients.append(LegacyClient(http))
        return clients[-1]

    yield make
    for client in clients:
        await client.close()


async def test_login_sets_the_cookie_and_returns_message_and_user(legacy) -> None:
    client = legacy()
    status, body = await client.post("/login", {"username": "admin", "pwd": ADMIN_PASSWORD})
    assert status == 200
    assert body == {"message": "Authentication successful!",
                    "user": {"id": "admin", "username": "admin", "role": "admin", "preferences": {},
                             "curr_assigned_jobs": {}, "queue": {}}}
    cookie = client.last_response.cookies["token"]
    assert cookie["httponly"] and cookie["path"] == "/"
    assert await client.get("/profile") == (200, body["user"])
    assert await client.get("/logout") == (200, {})
    assert client.last_response.cookies["token"].value == ""  # cleared
    status, body = await client.get("/profile")
    assert (status, body["type"]) == (401, "unauthenticated")


async def test_both_password_spellings_and_trailing_slashes(legacy) -> None:
    admin = legacy()
    assert (await admin.post("/login/", {"username": "admin", "password": ADMIN_PASSWORD}))[0] == 200
    assert (await admin.post("/users/", {"username": "dave", "pwd": USER_PASSWORD}))[0] == 201
    assert (await admin.post("/signup", {"username": "erin", "password": USER_PASSWORD, "role": "admin"})) == (
        200, {"id": "erin", "username": "erin", "role": "admin", "preferences": {},
              "curr_assigned_jobs": {}, "queue": {}})
    assert (await admin.put("/users/dave/", {"pwd": "new-password"}))[0] == 204
    dave = await legacy().login("dave", "new-password")
    assert (await dave.get("/profile/"))[1]["username"] == "dave"
    assert (await legacy().post("/login", {"username": "dave", "pwd": USER_PASSWORD}))[0] == 401


async def test_user_bodies_never_carry_a_password(legacy) -> None:
    admin = await legacy().login("admin", ADMIN_PASSWORD)
    status, created = await admin.post("/users", {"username": "frank", "password": USER_PASSWORD,
                                                  "preferences": {"theme": "dark"}})
    assert status == 201
    assert created == {"id": "frank", "username": "frank", "role": "user", "preferences": {"theme": "dark"},
                       "curr_assigned_jobs": {}, "queue": {}}
    _, users = await admin.get("/users")
    assert [u["id"] for u in users] == ["admin", "frank"]
    texts = [str(created), str(users), str(await admin.get("/profile"))]
    for text in texts:
        assert "password" not in text and "$argon2" not in text and USER_PASSWORD not in text


async def test_update_and_delete_answer_204_without_body(legacy) -> None:
    admin = await legacy().login("admin", ADMIN_PASSWORD)
    await admin.post("/users", {"username": "gina", "password": USER_PASSWORD})
    # A whole RestUser sent back, with id/username/unknown fields: they are ignored.
    assert await admin.put("/users/gina", {"id": "gina", "username": "gina", "role": "admin",
                                           "preferences": {"a": 1}, "curr_assigned_jobs": {}}) == (204, None)
    _, users = await admin.get("/users")
    assert {"id": "gina", "username": "gina", "role": "admin", "preferences": {"a": 1},
            "curr_assigned_jobs": {}, "queue": {}} in users
    assert await admin.delete("/users/gina") == (204, None)
    gone = await admin.delete("/users/gina")
    assert gone[0] == 404 and gone[1]["type"] == "not_found"


@pytest.mark.parametrize("body,message", [
    ({"username": "x"}, "'password' or 'pwd' is required"),
    ({"password": "x"}, "'username' is required"),
    ({"username": 5, "password": "x"}, "'username' must be a string, got an integer"),
    ({"username": "x", "pwd": ["x"]}, "'pwd' must be a string, got an array"),
    ({"username": "x", "password": "y", "role": "king"}, "'role' must be one of admin, user"),
    ({"username": "x", "password": "y", "preferences": [1]}, "'preferences' must be an object"),
    ([1, 2], "must be a JSON object"),
])
async def test_wrong_bodies_are_400_and_create_nothing(legacy, body, message) -> None:
    admin = await legacy().login("admin", ADMIN_PASSWORD)
    status, answer = await admin.post("/users", body)
    assert status == 400 and answer["type"] == "bad_user_input" and message in answer["message"]
    assert [u["id"] for u in (await admin.get("/users"))[1]] == ["admin"]


async def test_malformed_json_is_400(legacy) -> None:
    client = legacy()
    status, body = await client.call("POST", "/login", data="{not json",
                                     headers={"Content-Type": "application/json"})
    assert status == 400 and body["type"] == "bad_user_input" and "not valid JSON" in body["message"]
    status, body = await client.call("POST", "/login")  # no body at all: fields are missing
    assert status == 400 and "'username' is required" in body["message"]


async def test_unknown_paths_are_404_and_wrong_methods_405_in_json(legacy) -> None:
    client = await legacy().login("admin", ADMIN_PASSWORD)
    for path in ("/nothing", "/users/a/b", "", "/"):
        status, body = await client.get(path)
        assert status == 404 and body["type"] == "not_found", path
    status, body = await client.call("PATCH", "/users/admin")
    assert status == 405 and body["type"] == "method_not_allowed"
    assert client.last_response.headers["Allow"] == "DELETE, PUT"


async def test_percent_encoded_names_stay_one_segment(legacy) -> None:
    admin = await legacy().login("admin", ADMIN_PASSWORD)
    status, body = await admin.delete("/users/a%2Fb")
    assert status == 404 and "'a/b'" in body["message"]


async def test_bearer_tokens_work_as_well_as_cookies(http, admin: Caller) -> None:
    status, body = await admin.rest("GET", "/profile")
    assert (status, body["username"]) == (200, "admin")


def test_unexpected_errors_become_a_bare_500() -> None:
    from graphql import GraphQLError

    from graph.rest.execute import translate

    leaked = GraphQLError("secret stack detail", path=["users"], original_error=RuntimeError("boom"))
    error = translate([leaked], 409)
    assert (error.status, error.type, error.message) == (500, "internal", "Unexpected error.")
    coerced = translate([GraphQLError("Variable '$x' has invalid value")], 409)
    assert (coerced.status, coerced.type) == (400, "bad_user_input")

"""Users and sessions: login, logout, signup, users, profile."""
from __future__ import annotations

from typing import Any

from graph.bodies import SMALL_BODY_BYTES
from graph.rest.shapes import (OBJECT, ROLES, STRING, USER_FRAGMENT, array_of, enum_schema, ref,
                               rest_user, to_enum)
from graph.rest.spec import Body, Call, Field, Route
from graph.rest.walk import all_nodes, every, follow_pages

PASSWORD = Field("password", STRING, required=True, aliases=("pwd",), example="s3cret-pass")
USERNAME = Field("username", STRING, required=True, example="alice")

LOGIN_BODY = Body("RestLogin", (USERNAME, PASSWORD))
NEW_USER_BODY = Body("RestNewUser", (
    USERNAME, PASSWORD,
    Field("role", enum_schema(ROLES), description="default `user`"),
    Field("preferences", OBJECT),
))
USER_UPDATE_BODY = Body("RestUserUpdate", (
    Field("password", STRING, aliases=("pwd",), description="a new password (empty: unchanged)",
          example="n3w-pass"),
    Field("role", enum_schema(ROLES), description="admins only"),
    Field("preferences", OBJECT),
), "RestUser: omitted fields stay as they are; `id`/`username` in the body are ignored "
   "(the URL names the user).")


def _new_user(call: Call) -> dict[str, Any]:
    body = call.body
    user: dict[str, Any] = {"username": body["username"], "password": body["password"]}
    if "role" in body:
        user["role"] = to_enum(body["role"])
    if "preferences" in body:
        user["preferences"] = body["preferences"]
    return {"input": user}


def _user_update(call: Call) -> dict[str, Any]:
    # The old user manager sends its (empty) password field along when only the role or the
    # preferences change: an empty password there means "unchanged", never "no password".
    changes = {k: (to_enum(v) if k == "role" else v) for k, v in call.body.items()
               if not (k == "password" and v == "")}
    return {"input": {"username": call.path["username"], **changes}}


CREATE_USER = USER_FRAGMENT + """
mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { user { ...RestUser } } }"""

ROUTES: tuple[Route, ...] = (
    Route(
        name="login", method="POST", path="/login", tag="users",
        summary="Log in: sets the session cookie `token` and returns the user.",
        document=USER_FRAGMENT + """
mutation Login($input: LoginInput!) { login(input: $input) { user { ...RestUser } } }""",
        body=LOGIN_BODY,
        variables=lambda call: {"input": {"username": call.body["username"],
                                          "password": call.body["password"]}},
        result=lambda data, call: {"message": "Authentication successful!",
                                   "user": rest_user(data["login"]["user"])},
        response=ref("LoginResult"), errors=(400, 401, 413, 429), public=True,
        max_body=SMALL_BODY_BYTES,
    ),
    Route(
        name="logout", method="GET", path="/logout", tag="users",
        summary="Log out: clears the session cookie.",
        document="mutation Logout { logout { user { username } } }",
        result=lambda data, call: {}, response=OBJECT, errors=(403,), public=True,
        description="A GET that changes state (it ends the session), kept for the old web app: "
                    "with the session cookie it is refused (403) when the browser marks it as "
                    "cross-site (`Sec-Fetch-Site`, `Origin`); see docs/security.md. "
                    "`mutation logout` over POST /graphql does the same.",
    ),
    Route(
        name="signup", method="POST", path="/signup", tag="users",
        summary="Add a user (admins). An existing username is a 400.",
        document=CREATE_USER, body=NEW_USER_BODY, variables=_new_user,
        result=lambda data, call: rest_user(data["createUser"]["user"]),
        response=ref("RestUser"), conflict_status=400, errors=(400, 401, 403),
    ),
    Route(
        name="listUsers", method="GET", path="/users", tag="users",
        summary="Every account (admins).",
        document=USER_FRAGMENT + "\n" + every("users", "RestUser", "Users"),
        follow=follow_pages("users"),
        result=lambda datas, call: [rest_user(u) for u in all_nodes(datas, "users")],
        response=array_of(ref("RestUser")), errors=(401, 403),
    ),
    Route(
        name="createUser", method="POST", path="/users", tag="users",
        summary="Add a user (admins); 201 with the user. An existing username is a 400.",
        document=CREATE_USER, body=NEW_USER_BODY, variables=_new_user,
        result=lambda data, call: rest_user(data["createUser"]["user"]), status=201,
        response=ref("RestUser"), conflict_status=400, errors=(400, 401, 403),
    ),
    Route(
        name="updateUser", method="PUT", path="/users/{username}", tag="users",
        summary="Change a user's password, preferences or (admins) role. Users may change "
                "their own password and preferences.",
        document="""mutation UpdateUser($input: UpdateUserInput!) {
  updateUser(input: $input) { user { username } } }""",
        body=USER_UPDATE_BODY, variables=_user_update, status=204,
    ),
    Route(
        name="deleteUser", method="DELETE", path="/users/{username}", tag="users",
        summary="Delete an account (admins; never one's own: 400).",
        document="""mutation DeleteUser($input: DeleteUserInput!) {
  deleteUser(input: $input) { deletedId } }""",
        variables=lambda call: {"input": {"username": call.path["username"]}}, status=204,
    ),
    Route(
        name="endSessions", method="DELETE", path="/users/{username}/sessions", tag="users",
        summary="Log a user out everywhere: every session token issued before is refused "
                "(yourself, or anyone for admins).",
        document="""mutation LogoutEverywhere($input: LogoutEverywhereInput!) {
  logoutEverywhere(input: $input) { user { username } } }""",
        variables=lambda call: {"input": {"username": call.path["username"]}}, status=204,
    ),
    Route(
        name="profile", method="GET", path="/profile", tag="users",
        summary="The logged-in user.",
        document=USER_FRAGMENT + "\nquery Profile { me { ...RestUser } }",
        result=lambda data, call: rest_user(data["me"]),
        response=ref("RestUser"), errors=(401,),
    ),
)

"""`updateUser`: admins change anything; users their own password and preferences, never a role.

A password or role change ends every older session of that user; a user changing their own
password gets a fresh session cookie in the same answer (a Bearer token must log in again)."""
from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.users.types import UpdateUserInput, UpdateUserPayload, User
from graph.session import issue_session
from resolvers.auth.passwords import hash_password
from resolvers.auth.sessions import new_session_key
from resolvers.users.validation import check_password, check_preferences


async def update_user(
        info: strawberry.Info,
        input: Annotated[UpdateUserInput, strawberry.argument(
            description="The account and its changes; omitted fields stay as they are.")],
) -> UpdateUserPayload:
    ctx = info.context
    username = input.username
    changes: dict[str, Any] = {}
    if input.role is not None:
        if not ctx.is_admin:
            raise ApiError(ErrorCode.FORBIDDEN, "only an administrator may change a role")
        if username == ctx.user["username"] and input.role.value != "admin":
            raise ApiError(ErrorCode.BAD_USER_INPUT,
                           "an administrator cannot remove their own admin role", field="role")
        current = await ctx.store.get_user(username)
        if current is not None and current["role"] != input.role.value:
            changes["role"] = input.role.value
    if input.preferences is not None:
        changes["preferences"] = check_preferences(input.preferences)
    if input.password is not None:
        changes["password"] = await hash_password(check_password(input.password))
    if "password" in changes or "role" in changes:
        # Every session opened before the change ends (a stolen token dies with the old password).
        changes.update(session_key=new_session_key(), revoked_sessions={})
    record = await ctx.store.update_user(username, changes)
    if record is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"no user named {username!r}")
    if "session_key" in changes and username == ctx.user["username"]:
        issue_session(ctx.services, ctx.response, record)  # the caller stays logged in here
    return UpdateUserPayload(user=User.from_record(record))

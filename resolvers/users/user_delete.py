"""`deleteUser` (admins only; never one's own account, so the workspace keeps an admin)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.users.types import DeleteUserInput, DeleteUserPayload


async def delete_user(
        info: strawberry.Info,
        input: Annotated[DeleteUserInput, strawberry.argument(
            description="The account to delete.")],
) -> DeleteUserPayload:
    ctx = info.context
    username = input.username
    if username == ctx.user["username"]:
        raise ApiError(ErrorCode.BAD_USER_INPUT, "you cannot delete your own account",
                       field="username")
    if not await ctx.store.delete_user(username):
        raise ApiError(ErrorCode.NOT_FOUND, f"no user named {username!r}")
    return DeleteUserPayload.of(username)

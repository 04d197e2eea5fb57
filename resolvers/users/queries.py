"""Reading users: `me`, `users`, `user(username)`."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.users.types import User


async def me(info: strawberry.Info) -> User:
    return User.from_record(info.context.user)


async def users(info: strawberry.Info) -> list[User]:
    return [User.from_record(r) for r in await info.context.store.list_users()]


async def user(info: strawberry.Info, username: Annotated[str, strawberry.argument(description="The account's username.")]) -> User | None:
    record = await info.context.store.get_user(username)
    if record is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"no user named {username!r}", field="username")
    return User.from_record(record)

"""Reading users: `me`, `users`, `user(username)`."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.pagination import AFTER, BEFORE, FIRST, LAST, Connection, Window, connection_of
from graph.users.types import User


async def me(info: strawberry.Info) -> User:
    return User.from_record(info.context.user)


async def users(
        info: strawberry.Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[int | None, strawberry.argument(description=LAST)] = None,
        before: Annotated[str | None, strawberry.argument(description=BEFORE)] = None,
) -> Connection[User]:
    return connection_of(await info.context.store.list_users(), lambda r: r["username"], "user",
                         Window(first, after, last, before), User.from_record)


async def user(
        info: strawberry.Info,
        username: Annotated[str, strawberry.argument(description="The account's username.")],
) -> User | None:
    record = await info.context.store.get_user(username)
    if record is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"no user named {username!r}", field="username")
    return User.from_record(record)

"""`login`: check the password, open a session (cookie + token)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.session import issue_session
from graph.users.types import LoginPayload, User
from resolvers.auth.passwords import verify_password


async def login(
        info: strawberry.Info,
        username: Annotated[str, strawberry.argument(description="Your username.")],
        password: Annotated[str, strawberry.argument(description="Your password.")],
) -> LoginPayload:
    ctx = info.context
    record = await ctx.store.get_user(username)
    # Same message and same cost for an unknown user and a wrong password: no account probing.
    if not await verify_password(record["password"] if record else None, password) or record is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, "wrong username or password")
    token = issue_session(ctx.services, ctx.response, username)
    return LoginPayload(user=User.from_record(record), token=token)

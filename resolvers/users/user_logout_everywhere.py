"""`logoutEverywhere`: end every session of one account at once (a lost laptop, a leaked token).

Users may do it for themselves (their own cookie is cleared too); admins for anyone.
"""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.session import clear_session_cookie
from graph.users.types import LogoutEverywhereInput, LogoutEverywherePayload, User
from resolvers.auth.sessions import end_all_sessions


async def logout_everywhere(
        info: strawberry.Info,
        input: Annotated[LogoutEverywhereInput, strawberry.argument(
            description="Whose sessions to end.")],
) -> LogoutEverywherePayload:
    ctx = info.context
    username = input.username or ctx.user["username"]
    if username != ctx.user["username"] and not ctx.is_admin:
        raise ApiError(ErrorCode.FORBIDDEN,
                       "only an administrator may end another user's sessions")
    record = await end_all_sessions(ctx.store, username)
    if record is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"no user named {username!r}")
    if username == ctx.user["username"]:
        clear_session_cookie(ctx.response)
    return LogoutEverywherePayload(user=User.from_record(record))

"""`logout`: end this session on the server (its token is refused from now on, as cookie or
Bearer, on every instance) and drop the cookie. Anonymous callers just get the cookie cleared."""
from __future__ import annotations

import strawberry

from graph.session import clear_session_cookie, current_session
from graph.users.types import LogoutPayload, User
from resolvers.auth.sessions import end_session


async def logout(info: strawberry.Info) -> LogoutPayload:
    ctx = info.context
    claims = current_session(ctx.request)
    if claims is not None:
        await end_session(ctx.store, claims, ctx.now())
    clear_session_cookie(ctx.response)
    ended = claims is not None and ctx.user is not None
    return LogoutPayload(user=User.from_record(ctx.user) if ended else None)

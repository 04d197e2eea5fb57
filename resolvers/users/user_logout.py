"""`logout`: end this session on the server (its token is refused from now on, as cookie or
Bearer, on every instance) and drop the cookie. Anonymous callers just get the cookie cleared."""
from __future__ import annotations

import strawberry

from graph.session import clear_session_cookie, current_session
from resolvers.auth.sessions import end_session


async def logout(info: strawberry.Info) -> bool:
    ctx = info.context
    claims = current_session(ctx.request)
    if claims is not None:
        await end_session(ctx.store, claims, ctx.now())
    clear_session_cookie(ctx.response)
    return True

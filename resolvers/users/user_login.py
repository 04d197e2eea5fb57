"""`login`: check the password, open a session (cookie + token), throttled per account and address."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.session import issue_session
from graph.users.types import LoginInput, LoginPayload, User
from resolvers.auth import throttle
from resolvers.auth.passwords import verify_password


async def login(
        info: strawberry.Info,
        input: Annotated[LoginInput, strawberry.argument(description="Your credentials.")],
) -> LoginPayload:
    ctx = info.context
    username, password = input.username, input.password
    address = ctx.request.remote if ctx.request is not None else None
    try:
        await throttle.refuse_if_locked(ctx.store, ctx.settings, username, address, ctx.now())
    except ApiError as refused:  # /graphql answers 429 too, with the same Retry-After
        ctx.response.set_status(429)
        ctx.response.headers["Retry-After"] = str((refused.extensions or {})["retryAfter"])
        raise
    record = await ctx.store.get_user(username)
    # Same message and same cost for an unknown user and a wrong password: no account probing.
    if not await verify_password(record["password"] if record else None, password) or record is None:
        await throttle.count_failure(ctx.store, ctx.settings, username, address, ctx.now())
        raise ApiError(ErrorCode.UNAUTHENTICATED, "wrong username or password")
    await throttle.count_success(ctx.store, username)
    token = issue_session(ctx.services, ctx.response, record)
    return LoginPayload(user=User.from_record(record), token=token)

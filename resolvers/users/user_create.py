"""`createUser` (admins only)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry

from graph.errors import ApiError, ErrorCode, InputErrors
from graph.users.types import CreateUserInput, CreateUserPayload, User
from resolvers.auth.passwords import hash_password
from resolvers.auth.sessions import new_session_key
from resolvers.users.validation import check_password, check_preferences, check_username
from store import DuplicateKeyError
from store.records import UserRecord


async def create_user(
        info: strawberry.Info,
        input: Annotated[CreateUserInput, strawberry.argument(description="The new account.")],
) -> CreateUserPayload:
    problems = InputErrors()  # every bad field at once
    checks: tuple[tuple[Callable[[Any], object], Any], ...] = (
        (check_username, input.username), (check_password, input.password),
        (check_preferences, input.preferences))
    for check, value in checks:
        with problems.check():
            check(value)
    problems.raise_if_any()
    record: UserRecord = {
        "username": input.username,
        "password": await hash_password(input.password),
        "role": input.role.value,
        "preferences": check_preferences(input.preferences),
        # A fresh key: no token of an earlier account with this name is ever accepted.
        "session_key": new_session_key(),
    }
    try:
        await info.context.store.create_user(record)
    except DuplicateKeyError as exc:
        raise ApiError(ErrorCode.CONFLICT, f"user {input.username!r} already exists") from exc
    return CreateUserPayload(user=User.from_record(record))


"""Checks on user input, shared by create and update, with messages that say what to fix."""
from __future__ import annotations

import re

from graph.errors import ApiError, ErrorCode

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MAX_PASSWORD_LENGTH = 1024  # argon2 would hash anything; a huge body is an attack, not a password


def check_username(username: str) -> str:
    if not _USERNAME.match(username):
        raise ApiError(
            ErrorCode.BAD_USER_INPUT,
            "username must be 1-64 characters: letters, digits, '_', '.', '@' or '-', "
            "starting with a letter or digit",
            field="username",
        )
    return username


def check_password(password: str) -> str:
    if not password:
        raise ApiError(ErrorCode.BAD_USER_INPUT, "password must not be empty", field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ApiError(ErrorCode.BAD_USER_INPUT,
                       f"password must be at most {MAX_PASSWORD_LENGTH} characters", field="password")
    return password


def check_preferences(preferences: object) -> dict:
    if preferences is None:
        return {}
    if not isinstance(preferences, dict):
        raise ApiError(ErrorCode.BAD_USER_INPUT, "preferences must be a JSON object",
                       field="preferences")
    return preferences

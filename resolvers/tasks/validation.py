"""Checks on task input."""
from __future__ import annotations

import unicodedata

from graph.errors import ApiError, ErrorCode

MAX_NAME = 128


def check_task_name(name: str) -> str:
    """A task name is used in URLs and in the `<task>/<objective>` keys of users' assignments:
    1-128 characters, no '/' or '\\', no control characters, no surrounding spaces."""
    problem = None
    if not name or not name.strip():
        problem = "must not be empty"
    elif len(name) > MAX_NAME:
        problem = f"must be at most {MAX_NAME} characters"
    elif name != name.strip():
        problem = "must not start or end with spaces"
    elif "/" in name or "\\" in name:
        problem = "must not contain '/' or '\\' (it is used in URLs)"
    elif any(unicodedata.category(c).startswith("C") for c in name):
        problem = "must not contain control characters"
    if problem:
        raise ApiError(ErrorCode.BAD_USER_INPUT, f"task name {name!r} {problem}, e.g. 'cars-2024'",
                       field="name")
    return name

"""The task named by a hot workflow call (claim, update, save labels) is checked by the store call
itself, inside its transaction and only when it matched nothing (`UnknownTaskError`), instead of
by a separate `require_task` lookup first: one database round trip per request instead of two."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graph.errors import ApiError, ErrorCode
from store.repositories.workflow_types import UnknownTaskError


@contextmanager
def task_must_exist(field: str = "taskName") -> Iterator[None]:
    """NOT_FOUND naming the task, as `require_task` says it, when the store reports it unknown."""
    try:
        yield
    except UnknownTaskError as exc:
        raise ApiError(ErrorCode.NOT_FOUND, f"no task named {exc.task_name!r}",
                       field=field) from None

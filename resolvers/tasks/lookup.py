"""Finding a task by name, shared by every task-scoped field."""
from __future__ import annotations

from typing import Any

from graph.errors import ApiError, ErrorCode
from store.records import TaskRecord


async def require_task(ctx: Any, name: str, field: str = "taskName") -> TaskRecord:
    """The task, or NOT_FOUND naming it."""
    task = await ctx.store.get_task(name)
    if task is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"no task named {name!r}", field=field)
    return task

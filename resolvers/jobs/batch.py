"""The admin batch behind `updateJobs` and `updateResults`: checked ids, clear errors, all or
nothing (an unknown id changes no item)."""
from __future__ import annotations

from typing import Any

from graph.enums import LabellingStatus
from graph.errors import ApiError, ErrorCode
from resolvers.live import publish
from resolvers.tasks.lookup import require_task
from store.records import TaskRecord

MAX_BATCH = 50_000


async def reset_items(ctx: Any, task_name: str, ids: list[str], by_job: bool,
                      status: LabellingStatus | None, field: str) -> tuple[TaskRecord, int]:
    """(the task, how many items changed)."""
    task = await require_task(ctx, task_name)
    what = "job id" if by_job else "data id"
    if len(ids) > MAX_BATCH:
        raise ApiError(ErrorCode.BAD_USER_INPUT, f"at most {MAX_BATCH} ids per batch", field=field)
    repeated = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    if repeated:
        raise ApiError(ErrorCode.BAD_USER_INPUT, f"{what}s listed twice: {', '.join(repeated)}",
                       field=field)
    outcome = await ctx.store.reset_items(task_name, ids, by_job=by_job,
                                          status=status.value if status else None, now=ctx.now())
    if outcome.unknown:
        shown = ", ".join(repr(i) for i in outcome.unknown[:10])
        more = f" and {len(outcome.unknown) - 10} more" if len(outcome.unknown) > 10 else ""
        current = " current" if by_job else ""
        raise ApiError(ErrorCode.NOT_FOUND, f"no item of task {task_name!r} has the{current} "
                       f"{what} {shown}{more}; nothing was changed", field=field)
    publish.items_reset(ctx, task_name, None if by_job else ids)
    return task, outcome.changed

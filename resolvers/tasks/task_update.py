"""`updateTask` (admins): new label schema and/or settings for the task's spec.

A spec may be shared by several tasks (task creation reuses equal specs). Editing one task must
not silently change another: a spec used by this task alone is updated in place; a shared one is
left alone and the task moves to a spec with the new content (found or created).
"""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.tasks.types import Task, UpdateTaskInput, UpdateTaskPayload
from resolvers.specs.spec_create import get_or_create_spec
from resolvers.specs.validation import check_label_schema
from resolvers.tasks.lookup import require_task


async def update_task(
        info: strawberry.Info,
        input: Annotated[UpdateTaskInput, strawberry.argument(
            description="The task and its new label schema and/or settings.")],
) -> UpdateTaskPayload:
    ctx = info.context
    name = input.name
    if input.label_schema is strawberry.UNSET and input.settings is strawberry.UNSET:
        raise ApiError(ErrorCode.BAD_USER_INPUT, "give labelSchema and/or settings to change",
                       field="input")
    task = await require_task(ctx, name, field="name")
    spec = await ctx.store.get_spec(task["spec_id"])
    if spec is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"the spec of task {name!r} is missing")
    schema = (spec["label_schema"] if input.label_schema is strawberry.UNSET
              else check_label_schema(input.label_schema))
    settings = spec.get("settings") if input.settings is strawberry.UNSET else input.settings
    if await ctx.store.count_tasks_using(spec_id=spec["id"]) <= 1:
        if await ctx.store.update_spec(spec["id"], schema, settings) is None:
            raise ApiError(ErrorCode.NOT_FOUND, f"the spec of task {name!r} is missing")
        return UpdateTaskPayload(task=Task.from_record(task))
    moved = await get_or_create_spec(ctx, spec["plugin_name"], spec["data_type"], schema, settings)
    updated = await ctx.store.set_task_spec(name, moved["id"])
    if updated is None:  # deleted meanwhile
        raise ApiError(ErrorCode.NOT_FOUND, f"no task named {name!r}", field="name")
    return UpdateTaskPayload(task=Task.from_record(updated))

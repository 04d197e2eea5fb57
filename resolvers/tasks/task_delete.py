"""`deleteTask` (admins): the task with its results, jobs, labels and label statistics; users'
holds and queues in it disappear with the results they are derived from."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.tasks.types import DeleteTaskInput, DeleteTaskPayload


async def delete_task(
        info: strawberry.Info,
        input: Annotated[DeleteTaskInput, strawberry.argument(description="The task to delete.")],
) -> DeleteTaskPayload:
    name = input.name
    if not await info.context.store.delete_task(name):
        raise ApiError(ErrorCode.NOT_FOUND, f"no task named {name!r}", field="name")
    return DeleteTaskPayload.of(name)

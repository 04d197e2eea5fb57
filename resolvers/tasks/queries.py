"""Reading tasks: `tasks`, `task(name)`."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.tasks.types import Task
from resolvers.tasks.lookup import require_task


async def tasks(info: strawberry.Info) -> list[Task]:
    return [Task.from_record(r) for r in await info.context.store.list_tasks()]


async def task(info: strawberry.Info, name: Annotated[str, strawberry.argument(description="The task's name.")]) -> Task | None:
    return Task.from_record(await require_task(info.context, name, field="name"))

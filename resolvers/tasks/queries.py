"""Reading tasks: `tasks`, `task(name)`."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.pagination import AFTER, BEFORE, FIRST, LAST, Connection, Window, connection_of
from graph.tasks.types import Task
from resolvers.tasks.lookup import require_task


async def tasks(
        info: strawberry.Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[int | None, strawberry.argument(description=LAST)] = None,
        before: Annotated[str | None, strawberry.argument(description=BEFORE)] = None,
) -> Connection[Task]:
    return connection_of(await info.context.store.list_tasks(), lambda r: r["name"], "task",
                         Window(first, after, last, before), Task.from_record)


async def task(
        info: strawberry.Info,
        name: Annotated[str, strawberry.argument(description="The task's name.")],
) -> Task | None:
    return Task.from_record(await require_task(info.context, name, field="name"))

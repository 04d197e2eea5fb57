"""`node(id:)` / `nodes(ids:)`: any object again from its global id.

The id names the type and the natural key; each type is found by the same resolver its own root
field uses, so permissions and NOT_FOUND messages are the same through both doors.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.labels.types import LabelStatistics, Labels
from graph.node import Node, decode_global_id
from resolvers.datasets import queries as datasets
from resolvers.jobs import queries as jobs
from resolvers.labels import queries as labels
from resolvers.results import queries as results
from resolvers.specs import queries as specs
from resolvers.tasks import queries as tasks
from resolvers.users import queries as users

Finder = Callable[..., Awaitable[Any]]


async def _user(info: strawberry.Info, username: str) -> Any:
    ctx = info.context
    if not ctx.is_admin and ctx.user["username"] != username:
        raise ApiError(ErrorCode.FORBIDDEN, "only an administrator or the user themself may "
                       "read this account")
    return await users.user(info, username)


def _required(find: Finder, kind: str) -> Finder:
    """A finder whose root field answers null for "none" (labels): NOT_FOUND here instead."""
    async def found(info: strawberry.Info, task_name: str, data_id: str) -> Any:
        value = await find(info, task_name, strawberry.ID(data_id))
        if value is None:
            raise ApiError(ErrorCode.NOT_FOUND, f"item {data_id!r} of task {task_name!r} has no "
                           f"{kind}", field="id")
        return value
    return found


FINDERS: dict[str, tuple[int, Finder]] = {
    "User": (1, _user),
    "Dataset": (1, datasets.dataset),
    "DataItem": (2, datasets.data_item),
    "Spec": (1, specs.spec),
    "Task": (1, tasks.task),
    "Job": (2, jobs.job),
    "Result": (2, results.result),
    Labels.__name__: (2, _required(labels.labels, "labels")),
    LabelStatistics.__name__: (2, _required(labels.label_statistics, "label statistics")),
}


async def _find(info: strawberry.Info, global_id: str, field: str) -> Node:
    type_name, key = decode_global_id(global_id, field)
    arity, find = FINDERS.get(type_name, (0, None))
    if find is None or len(key) != arity:
        raise ApiError(ErrorCode.NOT_FOUND, f"no object with id {global_id!r}", field=field)
    return await find(info, *key)


async def node(
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The object's global `id`.")],
) -> Node | None:
    return await _find(info, str(id), "id")


async def nodes(
        info: strawberry.Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(
            description="Global ids of the objects, at most 100.")],
) -> list[Node | None]:
    """In the order asked; a missing or forbidden one is null with its own error at its index.
    The objects are looked up concurrently (MongoDB: their round trips overlap)."""
    async def one(global_id: strawberry.ID) -> Any:
        try:
            return await _find(info, str(global_id), "ids")
        except ApiError as error:
            return error  # graphql-core reports an Exception item at its own path

    return list(await asyncio.gather(*(one(global_id) for global_id in ids)))

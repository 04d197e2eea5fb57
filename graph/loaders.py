"""What the per-request DataLoaders share.

`by_parent`: the batch function of loaders of records keyed within a parent (a data item within
its dataset; a result, a job or labels within their task): the keys of one batch are grouped by
parent and each parent's ids are read in one batched store call, the parents concurrently. Use:
`DataLoader(load_fn=by_parent(store.get_results))` loads (task_name, data_id) keys.

`FreshLoaders`: on every root mutation field, the loaders forget what they read before it.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from strawberry.extensions.field_extension import (AsyncExtensionResolver, FieldExtension,
                                                   SyncExtensionResolver)
from strawberry.types import Info

V = TypeVar("V")

#: A store read of many records of one parent: (parent, ids) -> records in the order asked.
BatchRead = Callable[[str, Sequence[str]], Awaitable[Sequence[V | None]]]


def by_parent(read: BatchRead[V]) -> Callable[[list[tuple[str, str]]], Awaitable[list[V | None]]]:
    """A DataLoader batch function over (parent, id) keys: one `read` per parent in the batch."""
    async def load(keys: list[tuple[str, str]]) -> list[V | None]:
        ids_of: dict[str, list[str]] = {}
        for parent, key in keys:
            ids_of.setdefault(parent, []).append(key)
        answers = await asyncio.gather(*(read(parent, ids) for parent, ids in ids_of.items()))
        found: dict[tuple[str, str], V | None] = {}
        for (parent, ids), records in zip(ids_of.items(), answers, strict=True):
            found.update(((parent, key), record) for key, record in zip(ids, records, strict=True))
        return [found[key] for key in keys]

    return load


class FreshLoaders(FieldExtension):
    """A loader remembers what it read for the whole request; but the root fields of a mutation
    run one after the other, each writing: the payload of the second must read the state the
    second left, not what the first one's payload loaded. Applied to every root mutation field,
    it makes the request's loaders forget before the field runs (graph/schema.py)."""

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Info,
                **kwargs: Any) -> Any:
        info.context.forget_loaders()
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: AsyncExtensionResolver, source: Any, info: Info,
                            **kwargs: Any) -> Any:
        info.context.forget_loaders()
        return await next_(source, info, **kwargs)

"""Per-request DataLoader of users' assignments (DbUser.curr_assigned_jobs and queue), derived
from the results: a `users { currAssignedJobs queue }` listing costs one batched read."""
from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from store import Store
from store.repositories.workflow import Assignments


def _assignments(store: Store) -> DataLoader[str, Assignments]:
    async def load(usernames: list[str]) -> list[Assignments]:
        return await store.get_assignments(usernames)

    return DataLoader(load_fn=load)


def assignments_loader(ctx: Any) -> DataLoader[str, Assignments]:
    """`{"curr_assigned_jobs": {...}, "queue": {...}}` by username."""
    return ctx.loader("user_assignments", _assignments)

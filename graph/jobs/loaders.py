"""Per-request DataLoaders of jobs and of users' assignments.

Jobs by (task_name, job_id): an item's `history`, users' `assignments { job }` and a batch's
payload cost one batched store read per task, however many jobs. Assignments
(DbUser.curr_assigned_jobs and queue) are derived from the results: a `users { currAssignedJobs
queue }` listing costs one batched read."""
from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from graph.loaders import by_parent
from store import Store
from store.repositories.workflow import Assignments
from store.repositories.workflow_types import JobView


def _jobs(store: Store) -> DataLoader[tuple[str, str], JobView | None]:
    return DataLoader(load_fn=by_parent(store.get_jobs))


def job_loader(ctx: Any) -> DataLoader[tuple[str, str], JobView | None]:
    """Current or finished jobs by (task_name, job_id) (None for an unknown job)."""
    return ctx.loader("jobs", _jobs)


def _assignments(store: Store) -> DataLoader[str, Assignments]:
    async def load(usernames: list[str]) -> list[Assignments]:
        return await store.get_assignments(usernames)

    return DataLoader(load_fn=load)


def assignments_loader(ctx: Any) -> DataLoader[str, Assignments]:
    """`{"curr_assigned_jobs": {...}, "queue": {...}}` by username."""
    return ctx.loader("user_assignments", _assignments)

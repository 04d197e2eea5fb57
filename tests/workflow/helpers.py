"""Shared helpers of the workflow tests: tasks made straight through the store (contract tests)
and a reference listing computed in plain Python to check the engines' index-driven one."""
from __future__ import annotations

import itertools
from typing import Any

from store import Store
from store.repositories.workflow_listing import ResultFilter, ResultSort, sort_key
from store.repositories.workflow_types import JobAction, ResultState

LEASE = 3600.0


def data_ids(count: int) -> list[str]:
    return [f"d{i:03d}" for i in range(count)]


async def make_task(store: Store, name: str = "t", count: int = 10, now: float = 1000.0) -> list[str]:
    ids = data_ids(count)
    await store.create_task({"name": name, "spec_id": "spec-1", "dataset_id": "ds-1"}, ids, now)
    return ids


async def claim(store: Store, user: str, clock: Any, objective: str = "to_annotate",
                task: str = "t", lease: float = LEASE):
    return await store.claim_job(task, user, objective, clock(), lease)


async def end(store: Store, job: dict, user: str, status: str, clock: Any, **kw: Any):
    return await store.update_job(job["task_name"], job["id"], user, JobAction.END, clock(),
                                  status=status, **kw)


async def all_results(store: Store, task: str = "t") -> list[ResultState]:
    page = await store.list_results(task, ResultFilter(), ResultSort.DATA, 100_000)
    return page.items


def reference(states: list[ResultState], filter: ResultFilter, sort: ResultSort) -> list[str]:
    """What a listing must return, by brute force."""
    return [s["data_id"] for s in sorted((s for s in states if filter.matches(s)),
                                         key=lambda s: sort_key(sort, s))]


async def walk_pages(store: Store, filter: ResultFilter, size: int, task: str = "t") -> tuple[list[str], Any]:
    """Legacy page numbers 1, 2, 3 … of `size` in data order, as a client walks them: the data
    ids seen, in order, and the last page (for its counts)."""
    seen: list[str] = []
    for number in itertools.count():
        page = await store.list_results(task, filter, ResultSort.DATA, size, offset=size * number)
        seen += [s["data_id"] for s in page.items]
        if not page.has_next:
            return seen, page

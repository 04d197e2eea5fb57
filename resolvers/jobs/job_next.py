"""`nextJob` (a mutation: it claims): the caller's next job for an objective, or null."""
from __future__ import annotations

import strawberry

from graph.enums import Objective
from graph.jobs.types import Job
from resolvers.jobs.task_check import task_must_exist
from resolvers.live import publish


async def next_job(info: strawberry.Info, task_name: str, objective: Objective) -> Job | None:
    ctx = info.context
    with task_must_exist():
        job = await ctx.store.claim_job(task_name, ctx.user["username"], objective.value,
                                        ctx.now(), ctx.settings.job_lease_seconds)
    if job is None:
        return None
    publish.claimed(ctx, job)
    return Job.from_record(job)

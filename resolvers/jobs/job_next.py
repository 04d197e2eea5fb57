"""`nextJob` (a mutation: it claims): the caller's next job for an objective, or null."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.jobs.types import Job, NextJobInput, NextJobPayload
from resolvers.jobs.task_check import task_must_exist
from resolvers.live import publish


async def claim(info: strawberry.Info, task_name: str, objective: str) -> Job | None:
    """The store's claim (`to_annotate` also serves corrections, first) as a Job, or None."""
    ctx = info.context
    with task_must_exist():
        job = await ctx.store.claim_job(task_name, ctx.user["username"], objective,
                                        ctx.now(), ctx.settings.job_lease_seconds)
    if job is None:
        return None
    publish.claimed(ctx, job)
    return Job.from_record(job)


async def next_job(
        info: strawberry.Info,
        input: Annotated[NextJobInput, strawberry.argument(
            description="Which task, and annotate or validate.")],
) -> NextJobPayload:
    return NextJobPayload(job=await claim(info, input.task_name, input.objective.value))

"""`updateJob`: a save heartbeat, an interruption, or the end of the caller's job.

JOB_DENIED (HTTP 410 `job_denied` in REST) when the job is not the caller's running job (another
holder, no longer the item's current job, interrupted); the message says why and what to do.
"""
from __future__ import annotations

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.jobs.types import UpdateJobInput
from resolvers.jobs.task_check import task_must_exist
from resolvers.live import publish
from store.repositories.workflow import KEEP
from store.repositories.workflow_types import JobAction, JobUpdateOutcome


async def update_job(info: strawberry.Info, task_name: str, job_id: strawberry.ID,
                     input: UpdateJobInput) -> bool:
    ctx = info.context
    if input.status is not None:
        action, status = JobAction.END, input.status.value
    else:
        action, status = (JobAction.INTERRUPT if input.interrupt else JobAction.HEARTBEAT), None
    comments = KEEP if input.comments is strawberry.UNSET else input.comments
    with task_must_exist():
        outcome = await ctx.store.update_job(task_name, str(job_id), ctx.user["username"],
                                             action, ctx.now(), status=status, comments=comments)
    if outcome.outcome is JobUpdateOutcome.UNKNOWN:
        raise ApiError(ErrorCode.NOT_FOUND, f"no job {str(job_id)!r} in task {task_name!r}",
                       field="jobId")
    if outcome.outcome is JobUpdateOutcome.DENIED:
        raise ApiError(ErrorCode.JOB_DENIED, outcome.reason, field="jobId")
    if action is not JobAction.HEARTBEAT and outcome.job is not None:
        publish.job_updated(ctx, outcome.job, status, outcome.next_job_id)
    return True

"""`interruptJob`: the page was left; the time is banked and the caller keeps the job (nextJob
resumes it)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.jobs.types import InterruptJobInput, InterruptJobPayload, Job
from resolvers.jobs.job_update import change_job, given
from store.repositories.workflow_types import JobAction


async def interrupt_job(
        info: strawberry.Info,
        input: Annotated[InterruptJobInput, strawberry.argument(description="The running job.")],
) -> InterruptJobPayload:
    outcome = await change_job(info, input.job_id, JobAction.INTERRUPT,
                               comments=given(input.comments))
    assert outcome.job is not None  # change_job raised otherwise
    return InterruptJobPayload(job=Job.from_record(outcome.job))

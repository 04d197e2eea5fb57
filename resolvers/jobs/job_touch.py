"""`touchJob`: a heartbeat that refreshes the lease of the caller's running job."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.jobs.types import Job, TouchJobInput, TouchJobPayload
from resolvers.jobs.job_update import change_job, given
from store.repositories.workflow_types import JobAction


async def touch_job(
        info: strawberry.Info,
        input: Annotated[TouchJobInput, strawberry.argument(description="The running job.")],
) -> TouchJobPayload:
    outcome = await change_job(info, input.job_id, JobAction.HEARTBEAT,
                               comments=given(input.comments))
    assert outcome.job is not None  # change_job raised otherwise
    return TouchJobPayload(job=Job.from_record(outcome.job))

"""`updateJobs` (admins, legacy RestBatchJobUpdate): the items of these current jobs get a new
job with `objective` (none for done/discard); holds and queues are released. No objective: the
items are only unassigned."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.jobs.types import UpdateJobsInput, UpdateJobsPayload
from graph.tasks.types import Task
from resolvers.jobs.batch import reset_items


async def update_jobs(
        info: strawberry.Info,
        input: Annotated[UpdateJobsInput, strawberry.argument(
            description="The task, the items' current jobs and their new status.")],
) -> UpdateJobsPayload:
    job_ids = [str(j) for j in input.job_ids]
    task, changed = await reset_items(info.context, input.task_name, job_ids, True,
                                      input.objective, "jobIds")
    return UpdateJobsPayload(count=changed, task=Task.from_record(task), job_ids=job_ids)

"""`job(taskName, jobId)`: a current or finished job (with its comments)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.jobs.types import Job
from resolvers.tasks.lookup import require_task


async def job(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task's name.")],
        job_id: Annotated[strawberry.ID, strawberry.argument(
            description="The job's jobId within the task.")],
) -> Job | None:
    await require_task(info.context, task_name)
    record = await info.context.store.get_job(task_name, str(job_id))
    if record is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"no job {str(job_id)!r} in task {task_name!r}",
                       field="jobId")
    return Job.from_record(record)

"""`updateJobs` (admins, legacy RestBatchJobUpdate): the items of these current jobs get a new
job with `objective` (none for done/discard); holds and queues are released. No objective: the
items are only unassigned."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.enums import LabellingStatus
from resolvers.jobs.batch import reset_items


async def update_jobs(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task's name.")],
        job_ids: Annotated[list[strawberry.ID], strawberry.argument(
            description="The jobIds of the items' current jobs.")],
        objective: Annotated[LabellingStatus | None, strawberry.argument(
            description="The items' new status (a new job is created unless done/discard); "
                        "omitted: only unassign them.")] = None,
) -> int:
    return await reset_items(info.context, task_name, [str(j) for j in job_ids], True, objective,
                             "jobIds")

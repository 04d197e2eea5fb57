"""`updateJobs` (admins, legacy RestBatchJobUpdate): the items of these current jobs get a new
job with `objective` (none for done/discard); holds and queues are released. No objective: the
items are only unassigned."""
from __future__ import annotations

import strawberry

from graph.enums import LabellingStatus
from resolvers.jobs.batch import reset_items


async def update_jobs(info: strawberry.Info, task_name: str, job_ids: list[strawberry.ID],
                      objective: LabellingStatus | None = None) -> int:
    return await reset_items(info.context, task_name, [str(j) for j in job_ids], True, objective,
                             "jobIds")

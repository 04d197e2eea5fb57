"""`updateResults` (admins, legacy `PUT /tasks/{t}/results {data_ids, status}`): these items get
a new job with `status` (none for done/discard), holds and queues released; without a status
they are only unassigned (annotator and validator cleared, as the legacy server did)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.results.types import UpdateResultsInput, UpdateResultsPayload
from graph.tasks.types import Task
from resolvers.jobs.batch import reset_items


async def update_results(
        info: strawberry.Info,
        input: Annotated[UpdateResultsInput, strawberry.argument(
            description="The task, the items and their new status.")],
) -> UpdateResultsPayload:
    data_ids = [str(d) for d in input.data_ids]
    task, changed = await reset_items(info.context, input.task_name, data_ids, False,
                                      input.status, "dataIds")
    return UpdateResultsPayload(count=changed, task=Task.from_record(task), data_ids=data_ids)

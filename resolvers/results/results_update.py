"""`updateResults` (admins, legacy `PUT /tasks/{t}/results {data_ids, status}`): these items get
a new job with `status` (none for done/discard), holds and queues released; without a status
they are only unassigned (annotator and validator cleared, as the legacy server did)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.enums import LabellingStatus
from resolvers.jobs.batch import reset_items


async def update_results(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task's name.")],
        data_ids: Annotated[list[strawberry.ID], strawberry.argument(
            description="The dataIds of the items.")],
        status: Annotated[LabellingStatus | None, strawberry.argument(
            description="The items' new status; omitted: only unassign them.")] = None,
) -> int:
    return await reset_items(info.context, task_name, [str(d) for d in data_ids], False, status,
                             "dataIds")

"""`saveLabels`: only the holder of the item's current job, or an admin, may write (the legacy
server let anyone overwrite anything) — and, for a grace period after it (settings
`labels_grace_seconds`), the user who ended the item's latest job while nobody else holds it: the
old web app and old scripts end the job first and save the labels right after. The save
refreshes the holder's lease and the item's label statistics in the same write."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.labels.types import Labels, SaveLabelsInput, SaveLabelsPayload
from resolvers.jobs.task_check import task_must_exist
from resolvers.live import publish
from store.repositories.workflow_types import LabelsOutcome


async def save_labels(
        info: strawberry.Info,
        input: Annotated[SaveLabelsInput, strawberry.argument(
            description="The item and its new annotations.")],
) -> SaveLabelsPayload:
    ctx = info.context
    task_name, data_id, annotations = input.task_name, input.data_id, input.annotations
    with task_must_exist():
        saved = await ctx.store.save_labels(task_name, str(data_id), annotations,
                                            ctx.user["username"], ctx.is_admin, ctx.now(),
                                            grace=ctx.settings.labels_grace_seconds)
    if saved.outcome is LabelsOutcome.NOT_FOUND:
        raise ApiError(ErrorCode.NOT_FOUND, f"no data item {str(data_id)!r} in task "
                       f"{task_name!r}", field="dataId")
    if saved.outcome is LabelsOutcome.FORBIDDEN:
        who = f"{saved.holder} holds it" if saved.holder else "nobody holds it now"
        grace = ctx.settings.labels_grace_seconds
        raise ApiError(ErrorCode.FORBIDDEN, f"only the user holding this item's job or an admin may "
                       f"save its labels, and for {grace:g} s the user who ended its latest job "
                       f"while nobody holds it ({who}); take it with nextJob first",
                       field="dataId")
    assert saved.labels is not None
    publish.labels_saved(ctx, task_name, str(data_id), ctx.user["username"])
    return SaveLabelsPayload(labels=Labels.from_record(saved.labels))

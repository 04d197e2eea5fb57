"""Reading labels: `labels`, `labelStatistics` (null when the item has none)."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.labels.types import LabelStatistics, Labels
from resolvers.tasks.lookup import require_task


async def labels(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task's name.")],
        data_id: Annotated[strawberry.ID, strawberry.argument(
            description="The data item's dataId within the task's dataset.")],
) -> Labels | None:
    await require_task(info.context, task_name)
    record = await info.context.store.get_labels(task_name, str(data_id))
    return Labels.from_record(record) if record else None


async def label_statistics(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task's name.")],
        data_id: Annotated[strawberry.ID, strawberry.argument(
            description="The data item's dataId within the task's dataset.")],
) -> LabelStatistics | None:
    await require_task(info.context, task_name)
    record = await info.context.store.get_label_statistics(task_name, str(data_id))
    return LabelStatistics.from_record(record) if record else None

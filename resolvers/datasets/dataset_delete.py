"""`deleteDataset` (admins): the dataset and its items, refused while a task uses it."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.datasets.types import DeleteDatasetInput, DeleteDatasetPayload
from graph.errors import ApiError, ErrorCode
from store.repositories.datasets import DeleteOutcome


async def delete_dataset(
        info: strawberry.Info,
        input: Annotated[DeleteDatasetInput, strawberry.argument(
            description="The dataset to delete.")],
) -> DeleteDatasetPayload:
    dataset_id = input.dataset_id
    outcome = await info.context.store.delete_dataset(str(dataset_id))
    if outcome is DeleteOutcome.NOT_FOUND:
        raise ApiError(ErrorCode.NOT_FOUND, f"no dataset with id {str(dataset_id)!r}", field="datasetId")
    if outcome is DeleteOutcome.IN_USE:
        used = await info.context.store.count_tasks_using(dataset_id=str(dataset_id))
        raise ApiError(ErrorCode.CONFLICT, f"dataset {str(dataset_id)!r} is used by {used} task(s): "
                       "delete those tasks first", field="datasetId")
    return DeleteDatasetPayload.of(str(dataset_id))

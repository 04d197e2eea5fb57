"""`deleteSpec` (admins): refused while a task uses the spec."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.specs.types import DeleteSpecInput, DeleteSpecPayload
from store.repositories.datasets import DeleteOutcome


async def delete_spec(
        info: strawberry.Info,
        input: Annotated[DeleteSpecInput, strawberry.argument(
            description="The spec to delete.")],
) -> DeleteSpecPayload:
    spec_id = input.spec_id
    outcome = await info.context.store.delete_spec(str(spec_id))
    if outcome is DeleteOutcome.NOT_FOUND:
        raise ApiError(ErrorCode.NOT_FOUND, f"no spec with id {str(spec_id)!r}", field="specId")
    if outcome is DeleteOutcome.IN_USE:
        used = await info.context.store.count_tasks_using(spec_id=str(spec_id))
        raise ApiError(ErrorCode.CONFLICT, f"spec {str(spec_id)!r} is used by {used} task(s): delete "
                       "those tasks first", field="specId")
    return DeleteSpecPayload.of(str(spec_id))

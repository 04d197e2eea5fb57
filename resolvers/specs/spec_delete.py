"""`deleteSpec` (admins): refused while a task uses the spec."""
from __future__ import annotations

import strawberry

from graph.errors import ApiError, ErrorCode
from store.repositories.datasets import DeleteOutcome


async def delete_spec(info: strawberry.Info, id: strawberry.ID) -> bool:
    outcome = await info.context.store.delete_spec(str(id))
    if outcome is DeleteOutcome.NOT_FOUND:
        raise ApiError(ErrorCode.NOT_FOUND, f"no spec with id {str(id)!r}", field="id")
    if outcome is DeleteOutcome.IN_USE:
        used = await info.context.store.count_tasks_using(spec_id=str(id))
        raise ApiError(ErrorCode.CONFLICT, f"spec {str(id)!r} is used by {used} task(s): delete "
                       "those tasks first", field="id")
    return True

"""`deleteSpec` (admins): refused while a task uses the spec."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from store.repositories.datasets import DeleteOutcome


async def delete_spec(
        info: strawberry.Info,
        spec_id: Annotated[strawberry.ID, strawberry.argument(description="The spec's specId.")],
) -> bool:
    outcome = await info.context.store.delete_spec(str(spec_id))
    if outcome is DeleteOutcome.NOT_FOUND:
        raise ApiError(ErrorCode.NOT_FOUND, f"no spec with id {str(spec_id)!r}", field="specId")
    if outcome is DeleteOutcome.IN_USE:
        used = await info.context.store.count_tasks_using(spec_id=str(spec_id))
        raise ApiError(ErrorCode.CONFLICT, f"spec {str(spec_id)!r} is used by {used} task(s): delete "
                       "those tasks first", field="specId")
    return True

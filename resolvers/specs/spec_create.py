"""`createSpec` (admins) and `get_or_create_spec`, which task creation calls."""
from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.specs.types import CreateSpecInput, CreateSpecPayload, Spec
from resolvers.datasets.ids import new_id
from resolvers.specs.validation import spec_record
from store import DuplicateKeyError
from store.records import SpecRecord


async def get_or_create_spec(ctx: Any, plugin_name: str, data_type: str, label_schema: Any,
                             settings: Any) -> SpecRecord:
    """The stored spec of equal content (plugin, data type, schema, settings), else a new one.
    Raises ApiError (BAD_USER_INPUT) on invalid input."""
    record = spec_record(new_id(), plugin_name, data_type, label_schema, settings)
    try:
        spec, _created = await ctx.store.get_or_create_spec(record)
    except DuplicateKeyError as exc:
        raise ApiError(ErrorCode.CONFLICT, "the spec could not be stored (an id collided); "
                       "try again") from exc
    return spec


async def create_spec(
        info: strawberry.Info,
        input: Annotated[CreateSpecInput, strawberry.argument(description="The spec's content.")],
) -> CreateSpecPayload:
    """Always a new spec, even if an equal one exists (as POST /specs did)."""
    record = spec_record(new_id(), input.plugin_name, input.data_type.value, input.label_schema,
                         input.settings)
    try:
        await info.context.store.create_spec(record)
    except DuplicateKeyError as exc:
        raise ApiError(ErrorCode.CONFLICT, "the spec could not be stored (an id collided); "
                       "try again") from exc
    return CreateSpecPayload(spec=Spec.from_record(record))

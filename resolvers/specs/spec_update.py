"""`updateSpec` (admins): new label schema and settings; plugin and data type are immutable."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.specs.types import Spec, UpdateSpecInput, UpdateSpecPayload
from resolvers.specs.validation import check_label_schema, check_plugin_name


async def update_spec(
        info: strawberry.Info,
        input: Annotated[UpdateSpecInput, strawberry.argument(
            description="The spec and its new content; pluginName and dataType must stay the "
                        "same.")],
) -> UpdateSpecPayload:
    store = info.context.store
    spec_id = input.spec_id
    current = await store.get_spec(str(spec_id))
    if current is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"no spec with id {str(spec_id)!r}", field="specId")
    check_plugin_name(input.plugin_name)
    for field, name, given, stored in (
            ("pluginName", "plugin", input.plugin_name, current["plugin_name"]),
            ("dataType", "data type", input.data_type.value, current["data_type"])):
        if given != stored:
            raise ApiError(ErrorCode.BAD_USER_INPUT,
                           f"the {name} of a spec cannot change ({stored!r} -> {given!r}): create "
                           "a new spec instead", field=field)
    updated = await store.update_spec(str(spec_id), check_label_schema(input.label_schema),
                                      input.settings)
    if updated is None:  # deleted meanwhile
        raise ApiError(ErrorCode.NOT_FOUND, f"no spec with id {str(spec_id)!r}", field="specId")
    return UpdateSpecPayload(spec=Spec.from_record(updated))

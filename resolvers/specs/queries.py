"""Reading specs: `specs`, `spec(id)`."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.datasets.loaders import spec_loader
from graph.errors import ApiError, ErrorCode
from graph.pagination import AFTER, BEFORE, FIRST, LAST, Connection, Window, connection_of
from graph.specs.types import Spec


async def specs(
        info: strawberry.Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[int | None, strawberry.argument(description=LAST)] = None,
        before: Annotated[str | None, strawberry.argument(description=BEFORE)] = None,
) -> Connection[Spec]:
    return connection_of(await info.context.store.list_specs(), lambda r: r["id"], "spec",
                         Window(first, after, last, before), Spec.from_record)


async def spec(
        info: strawberry.Info,
        spec_id: Annotated[strawberry.ID, strawberry.argument(description="The spec's specId.")],
) -> Spec | None:
    record = await spec_loader(info.context).load(str(spec_id))
    if record is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"no spec with id {str(spec_id)!r}", field="specId")
    return Spec.from_record(record)

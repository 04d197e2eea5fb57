"""Reading results: `results` (paginated, filtered, sorted), `result`, `previousResult`,
`nextResult`."""
from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment

from graph.enums import SortParam
from graph.errors import ApiError, ErrorCode
from graph.pagination import AFTER, FIRST, Edge, PageInfo, check_page_size
from graph.results.types import UNREAD, Result, ResultConnection, ResultContains, ResultFilter
from graph.tasks.types import StatusCounts
from resolvers.tasks.lookup import require_task
from store.repositories.workflow_listing import (CONTAINS_FIELDS, BadCursorError, ResultSort,
                                                 encode_cursor, sort_key)
from store.repositories.workflow_listing import ResultFilter as StoreFilter
from store.repositories.workflow_types import ResultState, with_total

def store_filter(filter: ResultFilter | None) -> StoreFilter:
    if filter is None:
        return StoreFilter()
    return StoreFilter(statuses=tuple(s.value for s in filter.status or ()), worker=filter.worker,
                       annotator=filter.annotator, validator=filter.validator,
                       in_progress=filter.in_progress, data_id=filter.data_id,
                       contains=_contains(filter.contains))


def _contains(contains: ResultContains | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(field, alternatives) of the legacy filters given, empty strings dropped (the original
    server ignored them too); a field left with none is no condition."""
    if contains is None:
        return ()
    out = []
    for name in CONTAINS_FIELDS:
        values = tuple(v for v in getattr(contains, name) or () if v)
        if values:
            out.append((name, values))
    return tuple(out)


async def results(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task's name.")],
        filter: Annotated[ResultFilter | None, strawberry.argument(
            description="Keep only the results matching all these conditions; none: every "
                        "result.")] = None,
        sort: Annotated[SortParam | None, strawberry.argument(
            description="The order of the results.")] = SortParam.DATA,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = 50,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        offset: Annotated[int | None, strawberry.argument(
            description="Skip this many rows first (legacy page numbers; prefer `after`).")
        ] = None,
) -> ResultConnection:
    """Forward keyset pages (the cursor is the sort key of a result)."""
    first = 50 if first is None else first
    sort = sort or SortParam.DATA
    check_page_size(first, "first")
    if offset is not None and offset < 0:
        raise ApiError(ErrorCode.BAD_USER_INPUT, "offset must be 0 or more", field="offset")
    try:  # one store round trip: task, counters, page and (if asked) the items' data
        page = await info.context.store.list_results(task_name, store_filter(filter),
                                                     ResultSort(sort.value), first, after,
                                                     offset or 0, with_data=_wants_data(info))
    except BadCursorError as exc:
        if await info.context.store.get_task(task_name) is None:
            raise _no_task(task_name) from exc
        raise ApiError(ErrorCode.BAD_USER_INPUT, str(exc), field="after") from exc
    task = page.task
    if task is None:
        raise _no_task(task_name)
    counts = with_total(page.counts)
    read = page.data  # the items' `data` / `thumbnail` then cost no further read
    order = ResultSort(sort.value)
    edges = [Edge(cursor=encode_cursor(order, sort_key(order, s)),
                  node=Result.from_state(s, task["dataset_id"],
                                         read[s["data_id"]] if s["data_id"] in read else UNREAD))
             for s in page.items]
    return ResultConnection(
        total_count=page.total, global_count=counts["total"],
        status_counts=StatusCounts.from_record(counts), edges=edges,
        page_info=PageInfo(has_next_page=page.has_next,
                           has_previous_page=after is not None or bool(offset),
                           start_cursor=edges[0].cursor if edges else None,
                           end_cursor=page.end_cursor))


def _no_task(name: str) -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, f"no task named {name!r}", field="taskName")


def _wants_data(info: strawberry.Info) -> bool:
    """Whether the query asks the items' `data` or `thumbnail` (then they are read with the
    page); fragments are looked into."""
    def asks(selections: Any) -> bool:
        for selection in selections:
            if isinstance(selection, (FragmentSpread, InlineFragment)):
                if asks(selection.selections):
                    return True
            elif selection.name in ("data", "thumbnail"):
                return True
            elif selection.name in ("edges", "node", "nodes") and asks(selection.selections):
                return True
        return False

    return any(asks(field.selections) for field in info.selected_fields)


async def _anchor(info: strawberry.Info, task_name: str, data_id: str) -> tuple[Any, ResultState]:
    task = await require_task(info.context, task_name)
    state = await info.context.store.get_result(task_name, data_id)
    if state is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"no data item {data_id!r} in task {task_name!r}",
                       field="dataId")
    return task, state


async def result(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task's name.")],
        data_id: Annotated[strawberry.ID, strawberry.argument(
            description="The data item's dataId within the task's dataset.")],
) -> Result | None:
    task, state = await _anchor(info, task_name, str(data_id))
    return Result.from_state(state, task["dataset_id"])


async def _neighbour(info: strawberry.Info, task_name: str, data_id: str,
                     filter: ResultFilter | None, sort: SortParam | None,
                     forward: bool) -> Result | None:
    task, anchor = await _anchor(info, task_name, data_id)
    found = await info.context.store.adjacent_result(anchor, store_filter(filter),
                                                     ResultSort((sort or SortParam.DATA).value),
                                                     forward)
    return Result.from_state(found, task["dataset_id"]) if found else None


async def previous_result(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task's name.")],
        data_id: Annotated[strawberry.ID, strawberry.argument(
            description="The item to start from.")],
        filter: Annotated[ResultFilter | None, strawberry.argument(
            description="Skip results not matching all these conditions.")] = None,
        sort: Annotated[SortParam | None, strawberry.argument(
            description="The order of the results.")] = SortParam.DATA,
) -> Result | None:
    return await _neighbour(info, task_name, str(data_id), filter, sort, forward=False)


async def next_result(
        info: strawberry.Info,
        task_name: Annotated[str, strawberry.argument(description="The task's name.")],
        data_id: Annotated[strawberry.ID, strawberry.argument(
            description="The item to start from.")],
        filter: Annotated[ResultFilter | None, strawberry.argument(
            description="Skip results not matching all these conditions.")] = None,
        sort: Annotated[SortParam | None, strawberry.argument(
            description="The order of the results.")] = SortParam.DATA,
) -> Result | None:
    return await _neighbour(info, task_name, str(data_id), filter, sort, forward=True)

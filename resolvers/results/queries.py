"""Reading results: `results` (paginated, filtered, sorted), `result`, `previousResult`,
`nextResult`."""
from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment

from graph.enums import SortParam
from graph.errors import ApiError, ErrorCode
from graph.pagination import AFTER, BEFORE, FIRST, LAST, Edge, keyset_window
from graph.results.types import UNREAD, Result, ResultConnection, ResultContains, ResultFilter
from graph.tasks.types import StatusCounts
from resolvers.tasks.lookup import require_task
from store.repositories.workflow_listing import (CONTAINS_FIELDS, BadCursorError, ResultSort,
                                                 decode_cursor, encode_cursor, sort_key)
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
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[int | None, strawberry.argument(description=LAST)] = None,
        before: Annotated[str | None, strawberry.argument(description=BEFORE)] = None,
        offset: Annotated[int | None, strawberry.argument(
            description="Skip this many rows first (legacy page numbers; prefer `after`); "
                        "forward pages only.")
        ] = None,
) -> ResultConnection:
    """Keyset pages both ways (the cursor is the sort key of a result)."""
    window = keyset_window(first, after, last, before)
    sort = sort or SortParam.DATA
    if offset is not None and offset < 0:
        raise ApiError(ErrorCode.BAD_USER_INPUT, "offset must be 0 or more", field="offset")
    if offset and window.backward:
        raise ApiError(ErrorCode.BAD_USER_INPUT, "an offset pages forward: pass it without "
                       "`last` or `before`", field="offset")
    order = ResultSort(sort.value)
    try:
        stop = decode_cursor(order, window.stop) if window.stop else None
    except BadCursorError as exc:
        raise ApiError(ErrorCode.BAD_USER_INPUT, str(exc), field=window.stop_field) from exc
    try:  # one store round trip: task, counters, page and (if asked) the items' data
        page = await info.context.store.list_results(
            task_name, store_filter(filter), order, window.size, window.cursor,
            offset or 0, with_data=_wants_data(info), backward=window.backward)
    except BadCursorError as exc:
        if await info.context.store.get_task(task_name) is None:
            raise _no_task(task_name) from exc
        raise ApiError(ErrorCode.BAD_USER_INPUT, str(exc),
                       field=window.cursor_field) from exc
    task = page.task
    if task is None:
        raise _no_task(task_name)
    counts = with_total(page.counts)
    read = page.data  # the items' `data` / `thumbnail` then cost no further read
    items, cut = window.bounded(page.items, lambda s: sort_key(order, s), stop)
    edges = [Edge(cursor=encode_cursor(order, sort_key(order, s)),
                  node=Result.from_state(s, task["dataset_id"],
                                         read[s["data_id"]] if s["data_id"] in read else UNREAD))
             for s in items]
    return ResultConnection(
        total_count=page.total, global_count=counts["total"],
        status_counts=StatusCounts.from_record(counts), edges=edges,
        page_info=window.page_info(edges, page.has_next or cut, skipped=bool(offset)))


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

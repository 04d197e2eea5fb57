"""Results on the embedded engine: point reads, and listings answered in one database call.

A listing (store/repositories/workflow_listing.py `listing`) makes several requests (task,
counters, maybe locating an offset, the branch seeks, the page's data items); each call on the
database thread costs a thread hop, so all of them are answered in one call.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any, assert_never

from store.repositories.workflow import ResultRepository
from store.repositories.workflow_listing import (
    BranchQuery,
    CountQuery,
    CountRequest,
    DataRequest,
    LocateRequest,
    Request,
    ResultFilter,
    ResultListing,
    ResultPage,
    ResultRequest,
    ResultSort,
    ScanQuery,
    ScanRequest,
    SeekRequest,
    TaskRequest,
    listing,
    run_listing,
)
from store.repositories.workflow_types import (
    ANNOTATED_STATUSES,
    STATUS_RANK,
    VALIDATED_STATUSES,
    ResultState,
    WorkerStatistics,
    with_total,
)
from store.sqlite.database import SqliteDatabase
from store.sqlite.in_lists import select_in
from store.sqlite.workflow_rows import COUNT_COLUMNS, RESULT_COLUMNS, to_state

#: Columns a branch may compare or order on (they come from the planner, never from clients).
BRANCH_COLUMNS = frozenset({"task_name", "status", "annotator", "validator", "ord"})


def _where(equal: dict[str, str], held: bool | None) -> tuple[list[str], list[Any]]:
    if not set(equal) <= BRANCH_COLUMNS:
        raise ValueError(f"unexpected columns {sorted(set(equal) - BRANCH_COLUMNS)}")
    where = [f"{column} = ?" for column in equal]
    if held is True:
        where.append("holder != ''")
    elif held is False:
        where.append("holder = ''")
    return where, list(equal.values())


def branch_sql(branch: BranchQuery) -> tuple[str, list[Any]]:
    """The SELECT of one branch: equalities + keyset bound, ordered by an index's next columns."""
    where, params = _where(branch.equal, branch.held)
    if not set(branch.order) <= BRANCH_COLUMNS:
        raise ValueError("unexpected order columns")
    if branch.after is not None:
        op = "<" if branch.descending else ">"
        if len(branch.order) == 1:
            where.append(f"{branch.order[0]} {op} ?")
        else:
            where.append(f"({', '.join(branch.order)}) {op} ({', '.join('?' * len(branch.order))})")
        params += list(branch.after)
    direction = " DESC" if branch.descending else ""
    order = ", ".join(column + direction for column in branch.order)
    sql = (f"SELECT {RESULT_COLUMNS} FROM results WHERE {' AND '.join(where)}"
           f" ORDER BY {order} LIMIT ?")
    return sql, [*params, branch.limit]


def count_sql(term: CountQuery) -> tuple[str, list[Any]]:
    where, params = _where(term.equal, term.held)
    return f"SELECT count(*) FROM results WHERE {' AND '.join(where)}", params


def locate(c: sqlite3.Connection, task_name: str, statuses: list[str], k: int) -> int | None:
    """The ord of the k-th (0-based) result in data order among `statuses`, or None: SQLite
    steps over k entries of the (task, status, ord) index without reading a row (covered: only
    `ord` is asked); several statuses are one such walk each, merged in ord order by SQLite
    (`UNION ALL … ORDER BY`: a merge, no sort). bench/status_counting.py measures it against
    the per-block counters it replaced (docs/performance.md)."""
    if not statuses or not set(statuses) <= set(COUNT_COLUMNS):
        raise ValueError(f"unexpected statuses {statuses!r}")
    walks = " UNION ALL ".join(["SELECT ord FROM results WHERE task_name = ? AND status = ?"]
                               * len(statuses))
    params = [value for status in statuses for value in (task_name, status)]
    row = c.execute(f"{walks} ORDER BY ord LIMIT 1 OFFSET ?", (*params, k)).fetchone()
    return row[0] if row else None


#: The columns each contains-filter field tests (`worker`: either person). Their text is compared
#: as the original server did, on `JSON.stringify(value)` (`text_test`); `path` is stored as
#: that JSON text already.
CONTAINS_COLUMNS = {"annotator": ("annotator",), "validator": ("validator",),
                    "worker": ("annotator", "validator"), "data_id": ("data_id",),
                    "current_job_id": ("current_job_id",), "path": ("path",)}


#: Ends every statement of a contains-filter scan: reading a task's rows is their point
#: (tests/workflow/test_sqlite_query_plans.py allows it for these statements only).
SCAN_MARK = "/* contains-filter scan */"


def text_test(column: str, q: str) -> tuple[str, list[Any]]:
    """SQL testing whether the JSON text of a string column (the value in quotes) contains `q`,
    without building that text per row: a leading `"` anchors at the start, a trailing one at
    the end (`"alice"`: equal to alice). `path` holds JSON text: a plain `instr`."""
    if column == "path":
        return "instr(path, ?) > 0", [q]
    head = q.startswith('"')
    body = q[1:] if head else q
    tail = body.endswith('"')
    body = body[:-1] if tail else body
    if head and tail:
        return f"{column} = ?", [body]
    if head:
        return f"substr({column}, 1, ?) = ?", [len(body), body]
    if tail:
        return f"substr({column}, -?) = ?", [len(body), body]
    return f"instr({column}, ?) > 0", [q]


#: The sort key of each order (store/repositories/workflow_listing.py `sort_key`) as SQL.
SORT_SQL = {
    ResultSort.DATA: ("ord",),
    ResultSort.STATUS: ("CASE status " + " ".join(f"WHEN '{s}' THEN {rank}"
                                                  for s, rank in STATUS_RANK.items())
                        + " END", "ord"),
    ResultSort.ASSIGNED: ("annotator", "ord"),
}


def scan_sql(query: ScanQuery) -> tuple[str, list[Any], str, list[Any]]:
    """(page SELECT, its parameters, count SELECT, its parameters) of a contains-filter listing:
    the exact conditions (an index narrows the task's rows), then each contains condition, an
    alternative per `;`, tested on the row."""
    f = query.filter
    where, params = ["task_name = ?"], [query.task_name]
    if f.statuses:
        if not set(f.statuses) <= set(COUNT_COLUMNS):
            raise ValueError(f"unexpected statuses {f.statuses!r}")
        where.append(f"status IN ({', '.join('?' * len(f.statuses))})")
        params += list(f.statuses)
    for column in ("annotator", "validator"):
        if getattr(f, column) is not None:
            where.append(f"{column} = ?")
            params.append(getattr(f, column))
    if f.worker is not None:
        where.append("(annotator = ? OR validator = ?)")
        params += [f.worker, f.worker]
    if f.in_progress is not None:
        where.append("holder != ''" if f.in_progress else "holder = ''")
    for name, alternatives in f.contains:
        tests = [text_test(column, q) for q in alternatives for column in CONTAINS_COLUMNS[name]]
        where.append("(" + " OR ".join(sql for sql, _ in tests) + ")")
        params += [p for _, values in tests for p in values]
    # Filters on the path alone, in data order, read the (task, ord, path) index only (no row
    # is read but the page's).
    only_path = (query.sort is ResultSort.DATA and {n for n, _ in f.contains} == {"path"}
                 and not f.statuses and f.annotator is None and f.validator is None
                 and f.worker is None and f.in_progress is None)
    table = "results INDEXED BY results_by_path" if only_path else "results"
    count_sql_ = f"SELECT count(*) FROM {table} WHERE {' AND '.join(where)} {SCAN_MARK}"
    count_params = list(params)
    keys = SORT_SQL[query.sort]
    if query.after is not None:
        op = "<" if query.descending else ">"
        where.append(f"({', '.join(keys)}) {op} ({', '.join('?' * len(keys))})")
        params += list(query.after)
    direction = " DESC" if query.descending else ""
    order = ", ".join(k + direction for k in keys)
    if query.sort is ResultSort.DATA:  # the index gives data order: rows are read in it
        page = (f"SELECT {RESULT_COLUMNS} FROM {table} WHERE {' AND '.join(where)}"
                f" ORDER BY {order} LIMIT ? OFFSET ? {SCAN_MARK}")
    else:  # sort only the matches' keys and rowids, then read the page's rows
        page = (f"SELECT {RESULT_COLUMNS} FROM results WHERE rowid IN (SELECT rowid FROM {table}"
                f" WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?)"
                f" ORDER BY {order} {SCAN_MARK}")
    return page, [*params, query.limit, query.offset], count_sql_, count_params


def _scan_now(c: sqlite3.Connection, query: ScanQuery) -> tuple[int, list[ResultState]]:
    page, params, count, count_params = scan_sql(query)
    rows = [to_state(row) for row in c.execute(page, params)]
    if not query.count:
        return len(rows), rows
    if query.offset == 0 and query.after is None and len(rows) < query.limit:
        return len(rows), rows  # the first page holds every match: no second scan to count
    return c.execute(count, count_params).fetchone()[0], rows


def _quoted(statuses: tuple[str, ...]) -> str:
    return ", ".join(f"'{status}'" for status in statuses)


def worker_statistics_sql(task_name: str | None, username: str | None) -> tuple[str, dict[str, Any]]:
    """One statement: a GROUP BY per source (annotators, validators, held jobs' banked time,
    the job history's durations), added up per worker."""
    scope = "task_name = :t AND " if task_name is not None else ""

    def who(column: str) -> str:
        return f"{column} = :u" if username is not None else f"{column} != ''"

    assigned = "json_extract(doc, '$.assigned_to')"
    sql = (
        "SELECT username, sum(annotated), sum(validated), total(seconds) FROM ("
        f" SELECT annotator AS username, count(*) AS annotated, 0 AS validated, 0.0 AS seconds"
        f" FROM results WHERE {scope}{who('annotator')}"
        f" AND status IN ({_quoted(ANNOTATED_STATUSES)}) GROUP BY annotator"
        f" UNION ALL SELECT validator, 0, count(*), 0.0 FROM results WHERE {scope}"
        f"{who('validator')} AND status IN ({_quoted(VALIDATED_STATUSES)}) GROUP BY validator"
        f" UNION ALL SELECT holder, 0, 0, total(job_duration) FROM results"
        f" WHERE {scope}{who('holder')} GROUP BY holder"
        f" UNION ALL SELECT {assigned}, 0, 0, total(json_extract(doc, '$.duration')) FROM jobs"
        f" WHERE {scope}{who(assigned)} GROUP BY 1)"
        " GROUP BY username HAVING sum(annotated) + sum(validated) > 0 OR total(seconds) > 0"
        " ORDER BY username")
    return sql, {"t": task_name, "u": username}


class SqliteResults(ResultListing, ResultRepository):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def list_results(self, task_name: str, filter: ResultFilter, sort: ResultSort,
                           first: int, after: str | None = None, offset: int = 0,
                           with_data: bool = False, backward: bool = False) -> ResultPage:
        def read(c: sqlite3.Connection) -> ResultPage:
            steps = listing(task_name, filter, sort, first, after, offset, with_data, backward)
            return run_listing(steps, lambda request: _answer_now(c, task_name, request))

        return await self._db.read(read)

    async def get_worker_statistics(self, task_name: str | None = None,
                                    username: str | None = None) -> list[WorkerStatistics]:
        sql, params = worker_statistics_sql(task_name, username)
        rows = await self._db.read(lambda c: c.execute(sql, params).fetchall())
        return [WorkerStatistics(username=name, annotated=int(annotated),
                                 validated=int(validated), time_spent=float(seconds))
                for name, annotated, validated, seconds in rows]

    async def get_result(self, task_name: str, data_id: str) -> ResultState | None:
        row = await self._db.read(lambda c: c.execute(
            f"SELECT {RESULT_COLUMNS} FROM results WHERE task_name = ? AND data_id = ?",
            (task_name, data_id)).fetchone())
        return to_state(row) if row else None

    async def get_results(self, task_name: str,
                          data_ids: Sequence[str]) -> list[ResultState | None]:
        rows = await self._db.read(lambda c: list(select_in(
            c, f"SELECT {RESULT_COLUMNS} FROM results WHERE task_name = ? AND data_id IN ({{marks}})",
            (task_name,), data_ids)))
        found = {state["data_id"]: state for state in map(to_state, rows)}
        return [found.get(data_id) for data_id in data_ids]

    async def _seek(self, branches: list[BranchQuery]) -> list[list[ResultState]]:
        return await self._db.read(lambda c: _seek_now(c, branches))

    async def _scan(self, query: ScanQuery) -> tuple[int, list[ResultState]]:
        return await self._db.read(lambda c: _scan_now(c, query))


def _answer_now(c: sqlite3.Connection, task_name: str, request: Request) -> Any:
    """One request of a listing, answered on the database thread."""
    match request:
        case TaskRequest():
            row = c.execute(f"SELECT t.doc, {', '.join('c.' + s for s in COUNT_COLUMNS)}"
                            " FROM tasks t LEFT JOIN task_counts c ON c.task_name = t.name"
                            " WHERE t.name = ?", (task_name,)).fetchone()
            if row is None:
                return None, None
            counts = None if row[1] is None else with_total(dict(zip(COUNT_COLUMNS, row[1:], strict=False)))
            return json.loads(row[0]), counts
        case SeekRequest(branches):
            return _seek_now(c, branches)
        case CountRequest(terms):
            return _count_now(c, terms)
        case ResultRequest(data_id):
            row = c.execute(f"SELECT {RESULT_COLUMNS} FROM results WHERE task_name = ?"
                            " AND data_id = ?", (task_name, data_id)).fetchone()
            return to_state(row) if row else None
        case LocateRequest(statuses, k):
            return locate(c, task_name, statuses, k)
        case ScanRequest(query):
            return _scan_now(c, query)
        case DataRequest(dataset_id, ids):
            found = {data_id: json.loads(doc) for data_id, doc in select_in(
                c, "SELECT id, doc FROM data_items WHERE dataset_id = ? AND id IN ({marks})",
                (dataset_id,), ids)}
            return {data_id: found.get(data_id) for data_id in ids}
    assert_never(request)


def _seek_now(c: sqlite3.Connection, branches: list[BranchQuery]) -> list[list[ResultState]]:
    out = []
    for branch in branches:
        sql, params = branch_sql(branch)
        out.append([to_state(row) for row in c.execute(sql, params)])
    return out


def _count_now(c: sqlite3.Connection, terms: list[CountQuery]) -> int:
    total = 0
    for term in terms:
        sql, params = count_sql(term)
        total += term.sign * c.execute(sql, params).fetchone()[0]
    return total

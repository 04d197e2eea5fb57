"""Results on the embedded engine: point reads, and listings answered in one database call.

A listing (store/repositories/workflow_listing.py `listing`) makes several requests (task,
counters, maybe locating an offset, the branch seeks, the page's data items); each call on the
database thread costs a thread hop, so all of them are answered in one call.
"""
from __future__ import annotations

import heapq
import json
import sqlite3
from typing import Any

from store.repositories.workflow_listing import (
    BranchQuery,
    CountQuery,
    Request,
    ResultFilter,
    ResultListing,
    ResultPage,
    ResultSort,
    ScanQuery,
    listing,
)
from store.repositories.workflow_types import STATUS_RANK, ResultState, with_total
from store.sqlite.database import SqliteDatabase
from store.sqlite.workflow_rows import COUNT_COLUMNS, RESULT_COLUMNS, chunks, to_state

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
    """The ord of the k-th (0-based) result in data order among `statuses`, or None: the block
    counters (result_blocks) give the block holding it without reading rows, then one short
    index seek per status from the block's start (fewer than one block of rows each)."""
    if not statuses or not set(statuses) <= set(COUNT_COLUMNS):
        raise ValueError(f"unexpected statuses {statuses!r}")
    # The block counts in data order (primary key order: no sort), summed until the one holding
    # the k-th match. (A window sum inside SQLite was measured twice as slow: ~120 µs at 200 rows.)
    before = 0
    for number, n in c.execute(f"SELECT block, {' + '.join(statuses)} FROM result_blocks"
                               " WHERE task_name = ? ORDER BY block", (task_name,)):
        if k < before + n:
            break
        before += n
    else:
        return None
    start, skip = number * BLOCK, k - before
    if len(statuses) == 1:
        row = c.execute("SELECT ord FROM results WHERE task_name = ? AND status = ? AND ord >= ?"
                        " ORDER BY ord LIMIT 1 OFFSET ?",
                        (task_name, statuses[0], start, skip)).fetchone()
        return row[0] if row else None
    ords = [[row[0] for row in c.execute(
        "SELECT ord FROM results WHERE task_name = ? AND status = ? AND ord >= ?"
        " ORDER BY ord LIMIT ?", (task_name, status, start, skip + 1))] for status in statuses]
    merged = list(heapq.merge(*ords))
    return merged[skip] if skip < len(merged) else None


#: The text each contains-filter field is compared on (`legacy_text` of the value: JSON);
#: `path` is stored as that JSON text already.
CONTAINS_SQL = {
    "annotator": ("instr(json_quote(annotator), ?) > 0",),
    "validator": ("instr(json_quote(validator), ?) > 0",),
    "worker": ("instr(json_quote(annotator), ?) > 0", "instr(json_quote(validator), ?) > 0"),
    "data_id": ("instr(json_quote(data_id), ?) > 0",),
    "current_job_id": ("instr(json_quote(current_job_id), ?) > 0",),
    "path": ("instr(path, ?) > 0",),
}
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
        tests = CONTAINS_SQL[name]
        where.append("(" + " OR ".join(t for _ in alternatives for t in tests) + ")")
        params += [q for q in alternatives for _ in tests]
    count_sql_ = f"SELECT count(*) FROM results WHERE {' AND '.join(where)}"
    count_params = list(params)
    keys = SORT_SQL[query.sort]
    if query.after is not None:
        op = "<" if query.descending else ">"
        where.append(f"({', '.join(keys)}) {op} ({', '.join('?' * len(keys))})")
        params += list(query.after)
    direction = " DESC" if query.descending else ""
    page = (f"SELECT {RESULT_COLUMNS} FROM results WHERE {' AND '.join(where)}"
            f" ORDER BY {', '.join(k + direction for k in keys)} LIMIT ? OFFSET ?")
    return page, [*params, query.limit, query.offset], count_sql_, count_params


def _scan_now(c: sqlite3.Connection, query: ScanQuery) -> tuple[int, list[ResultState]]:
    page, params, count, count_params = scan_sql(query)
    rows = [to_state(row) for row in c.execute(page, params)]
    total = c.execute(count, count_params).fetchone()[0] if query.count else len(rows)
    return total, rows


#: Items per block of result_blocks (block = ord // BLOCK); the triggers in store/sqlite/schema.py
#: use the same number.
BLOCK = 256


class SqliteResults(ResultListing):
    _db: SqliteDatabase

    async def list_results(self, task_name: str, filter: ResultFilter, sort: ResultSort,
                           first: int, after: str | None = None, offset: int = 0,
                           with_data: bool = False) -> ResultPage:
        def read(c: sqlite3.Connection) -> ResultPage:
            steps = listing(task_name, filter, sort, first, after, offset, with_data)
            answer: Any = None
            while True:
                try:
                    request = steps.send(answer)
                except StopIteration as done:
                    return done.value
                answer = self._answer_now(c, task_name, request)

        return await self._db.call(read)

    def _answer_now(self, c: sqlite3.Connection, task_name: str, request: Request) -> Any:
        kind = request[0]
        if kind == "task":
            row = c.execute(f"SELECT t.doc, {', '.join('c.' + s for s in COUNT_COLUMNS)}"
                            " FROM tasks t LEFT JOIN task_counts c ON c.task_name = t.name"
                            " WHERE t.name = ?", (task_name,)).fetchone()
            if row is None:
                return None, None
            counts = None if row[1] is None else with_total(dict(zip(COUNT_COLUMNS, row[1:])))
            return json.loads(row[0]), counts
        if kind == "seek":
            return _seek_now(c, request[1])
        if kind == "count":
            return _count_now(c, request[1])
        if kind == "result":
            row = c.execute(f"SELECT {RESULT_COLUMNS} FROM results WHERE task_name = ?"
                            " AND data_id = ?", (task_name, request[1])).fetchone()
            return to_state(row) if row else None
        if kind == "locate":
            return locate(c, task_name, request[1], request[2])
        if kind == "scan":
            return _scan_now(c, request[1])
        if kind == "data":
            dataset_id, ids = request[1], request[2]
            found: dict[str, Any] = {}
            for batch in chunks(ids):
                marks = ", ".join("?" * len(batch))
                for data_id, doc in c.execute(
                        f"SELECT id, doc FROM data_items WHERE dataset_id = ? AND id IN ({marks})",
                        (dataset_id, *batch)):
                    found[data_id] = json.loads(doc)
            return {data_id: found.get(data_id) for data_id in ids}
        raise ValueError(f"unknown listing request {kind!r}")

    async def get_result(self, task_name: str, data_id: str) -> ResultState | None:
        row = await self._db.call(lambda c: c.execute(
            f"SELECT {RESULT_COLUMNS} FROM results WHERE task_name = ? AND data_id = ?",
            (task_name, data_id)).fetchone())
        return to_state(row) if row else None

    async def _seek(self, branches: list[BranchQuery]) -> list[list[ResultState]]:
        return await self._db.call(lambda c: _seek_now(c, branches))

    async def _count(self, terms: list[CountQuery]) -> int:
        return await self._db.call(lambda c: _count_now(c, terms))

    async def _locate(self, task_name: str, statuses: list[str], k: int) -> int | None:
        return await self._db.call(lambda c: locate(c, task_name, statuses, k))

    async def _scan(self, query: ScanQuery) -> tuple[int, list[ResultState]]:
        return await self._db.call(lambda c: _scan_now(c, query))


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

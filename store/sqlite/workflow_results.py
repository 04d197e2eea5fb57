"""Results on the embedded engine: point reads and the branch seeks listings are made of."""
from __future__ import annotations

import sqlite3
from typing import Any

from store.repositories.workflow_listing import BranchQuery, CountQuery, ResultListing
from store.repositories.workflow_types import ResultState
from store.sqlite.database import SqliteDatabase
from store.sqlite.workflow_rows import RESULT_COLUMNS, to_state

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


class SqliteResults(ResultListing):
    _db: SqliteDatabase

    async def get_result(self, task_name: str, data_id: str) -> ResultState | None:
        row = await self._db.call(lambda c: c.execute(
            f"SELECT {RESULT_COLUMNS} FROM results WHERE task_name = ? AND data_id = ?",
            (task_name, data_id)).fetchone())
        return to_state(row) if row else None

    async def _seek(self, branches: list[BranchQuery]) -> list[list[ResultState]]:
        def read(c: sqlite3.Connection) -> list[list[ResultState]]:
            out = []
            for branch in branches:
                sql, params = branch_sql(branch)
                out.append([to_state(row) for row in c.execute(sql, params)])
            return out

        return await self._db.call(read)

    async def _count(self, terms: list[CountQuery]) -> int:
        def read(c: sqlite3.Connection) -> int:
            total = 0
            for term in terms:
                sql, params = count_sql(term)
                total += term.sign * c.execute(sql, params).fetchone()[0]
            return total

        return await self._db.call(read)

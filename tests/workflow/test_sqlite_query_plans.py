"""Every statement the embedded engine runs for the workflow is answered by an index.

The connection's trace callback records each statement (with its values) while the whole
workflow runs; `EXPLAIN QUERY PLAN` of each must not scan a workflow table (`SCAN results`, even
`USING INDEX`, reads the whole task), nor search a whole task, nor sort outside an index.
"""
from __future__ import annotations

import itertools
import re
import sqlite3
from pathlib import Path

import pytest

from store.repositories.workflow_listing import ResultSort
from store.sqlite import SqliteStore
from store.sqlite.workflow_results import SCAN_MARK
from tests.workflow.test_mongo_query_shapes import run_everything
from tests.workflow.test_store_results import FILTERS

WORKFLOW_TABLES = ("results", "jobs", "labels", "task_counts")
#: The unfiltered page in data order walks (task, ord) from its start or cursor, LIMIT-bounded.
UNFILTERED_PAGE = re.compile(r"WHERE task_name = '[^']*'( AND ord [<>] \d+)? ORDER BY ord"
                             r"( DESC)? LIMIT \d+$")


@pytest.fixture
async def statements(tmp_path: Path, clock) -> list[str]:
    store = SqliteStore(tmp_path / "plans.sqlite3")
    await store.open()
    recorded: list[str] = []
    await store._db.trace(recorded.append)
    await run_everything(store, clock)
    await store._db.trace(None)
    await store.close()
    return [s for s in recorded
            if s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))
            and any(t in s for t in WORKFLOW_TABLES)]


def plan(conn: sqlite3.Connection, statement: str) -> list[str]:
    return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + statement)]


def scans(lines: list[str], statement: str = "") -> list[str]:
    """Plan lines that read a whole table or a whole task: `SCAN <table>`, or an index search on
    the task name alone (fine only for deleting the task), or a sort the index does not give
    (fine only for rule 4, which sorts the few items queued for someone)."""
    bad = []
    # A legacy contains-filter (`instr`) reads the task's rows by design: no index answers
    # "contains"; it is still narrowed to the task by an index (never a table scan), and
    # bench/workflow.py --filters measures it at 50,000 items.
    contains = SCAN_MARK in statement
    for line in lines:
        table_scan = line.startswith("SCAN") and any(f"SCAN {t}" in line for t in WORKFLOW_TABLES)
        whole_task = (line.endswith("(task_name=?)") and not statement.startswith("DELETE")
                      and not UNFILTERED_PAGE.search(statement) and not contains
                      and any(f"SEARCH {t} " in line for t in ("results", "jobs", "labels")))
        sorting = "TEMP B-TREE" in line and "queued_for > ''" not in statement and not contains
        if table_scan or whole_task or sorting:
            bad.append(line)
    return bad


async def test_no_workflow_statement_scans_a_table(statements: list[str], tmp_path: Path) -> None:
    assert len(statements) > 500
    conn = sqlite3.connect(tmp_path / "plans.sqlite3")
    distinct = {s: plan(conn, s) for s in statements}
    bad = {s: lines for s, lines in distinct.items() if scans(lines, s)}
    assert not bad, "\n\n".join(f"{s}\n  {lines}" for s, lines in list(bad.items())[:5])
    conn.close()


async def test_the_hot_statements_use_the_intended_indexes(statements: list[str],
                                                            tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "plans.sqlite3")

    def used(fragment: str) -> set[str]:
        return {line for s in statements if fragment in s for line in plan(conn, s)}

    assert any("results_claim" in line for line in used("queued_for = ''"))
    assert any("results_held" in line for line in used("WHERE holder = "))
    assert any("results_by_job" in line for line in used("current_job_id = "))
    assert any("results_by_annotator" in line for line in used("AND annotator = "))
    assert any("results_by_validator" in line for line in used("AND validator = "))
    assert any("results_in_progress" in line for line in used("holder != '' ORDER BY"))
    # Deep offsets: a covered walk of (task, status, ord), several statuses merged (no sort).
    assert any("COVERING INDEX results_by_status" in line for line in used("SELECT ord FROM"))
    assert any("MERGE (UNION ALL)" in line for line in used("UNION ALL SELECT ord FROM"))
    conn.close()


def test_every_listing_branch_is_planned_on_an_index(tmp_path: Path) -> None:
    """Also without running: every (filter, sort, cursor, direction) branch the planner can emit."""
    from store.repositories.workflow_listing import plan_branches, plan_counts
    from store.sqlite.schema import LATE_SCHEMA, SCHEMA
    from store.sqlite.workflow_results import branch_sql, count_sql

    conn = sqlite3.connect(":memory:")
    for statement in (*SCHEMA, *LATE_SCHEMA):
        conn.execute(statement)
    cursors = {ResultSort.DATA: (5,), ResultSort.STATUS: (1, 5), ResultSort.ASSIGNED: ("m", 5)}
    for sort, filter, with_cursor, descending in itertools.product(
            list(ResultSort), FILTERS, (False, True), (False, True)):
        after = cursors[sort] if with_cursor else None
        for branch in plan_branches("t", filter, sort, after, 11, descending):
            sql, params = branch_sql(branch)
            lines = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
            expanded = sql.replace("?", "{}").format(*(repr(p) if isinstance(p, str) else p
                                                       for p in params))
            assert not scans(lines, expanded), (sql, lines)
        for term in plan_counts("t", filter):
            sql, params = count_sql(term)
            lines = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
            assert not scans(lines), (sql, lines)

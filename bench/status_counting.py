"""Two ways to find a deep legacy page of a status-filtered listing on SQLite (issue 12).

A legacy page number (`offset` k) in DATA order with a status filter needs the data order
(`ord`) of the k-th matching item, without reading the k skipped rows. Two mechanisms were built:

- **block counters**: a table `result_blocks` (items per task, block of 256 in data order and
  status) kept by triggers on every insert, status change and delete of a result; locating sums
  the blocks' counts (one row per 256 items), then seeks less than one block in the index;
- **covered offset**: `SELECT ord … WHERE task_name = ? AND status = ? ORDER BY ord LIMIT 1
  OFFSET k` on the (task, status, ord) index: SQLite steps over k index entries without reading a
  row (several statuses: one such walk per status, merged by SQLite's `UNION ALL … ORDER BY`).
  This is what the MongoDB engine does (`skip(k)` on the same index).

For a task of 50,000 items (`--count`) in the usual mix of statuses, this prints (median and p95
of `--runs` runs, ms): locating k with each mechanism (one status, two statuses; k = 0, 1,000,
20,000 and the last match), the whole results page through the store (`list_results`, 10 items
with their data, as the API asks for it) at those depths, the status counts, and what the block
counters cost the writes: a task's creation and a batch of status changes with and without
their triggers. The store keeps the covered offset (store/sqlite/workflow_results.py `locate`,
measured here as it runs); the block mechanism, dropped by schema version 3, is rebuilt here from
its DDL so the comparison can be re-run (docs/performance.md).

Run: `.venv/bin/python -m bench.status_counting` (`--quick`: 10,000 items, fewer runs).
"""
from __future__ import annotations

import argparse
import asyncio
import heapq
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from store.repositories.workflow_listing import ResultFilter, ResultSort
from store.repositories.workflow_types import ItemSeed
from store.sqlite import SqliteStore
from store.sqlite.workflow_results import locate as covered_locate

STATUSES = ("to_annotate", "to_validate", "to_correct", "done", "discard")
#: The mix of a task under way: most items still to annotate, some to validate or done.
WEIGHTS = (60, 20, 5, 12, 3)
BLOCK = 256

#: The block counters as the store kept them (schema version 2): table, triggers.
BLOCK_DDL = (
    "CREATE TABLE IF NOT EXISTS result_blocks (task_name TEXT NOT NULL, block INTEGER NOT NULL,"
    " to_annotate INTEGER NOT NULL DEFAULT 0, to_validate INTEGER NOT NULL DEFAULT 0,"
    " to_correct INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,"
    " discard INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (task_name, block)) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS result_blocks_insert AFTER INSERT ON results BEGIN"
    " INSERT INTO result_blocks (task_name, block, to_annotate, to_validate, to_correct, done,"
    " discard) VALUES (NEW.task_name, NEW.ord / 256, NEW.status = 'to_annotate',"
    " NEW.status = 'to_validate', NEW.status = 'to_correct', NEW.status = 'done',"
    " NEW.status = 'discard') ON CONFLICT (task_name, block) DO UPDATE SET"
    " to_annotate = to_annotate + excluded.to_annotate, to_validate = to_validate +"
    " excluded.to_validate, to_correct = to_correct + excluded.to_correct, done = done +"
    " excluded.done, discard = discard + excluded.discard; END",
    "CREATE TRIGGER IF NOT EXISTS result_blocks_status AFTER UPDATE OF status ON results"
    " WHEN OLD.status != NEW.status BEGIN UPDATE result_blocks SET"
    " to_annotate = to_annotate + (NEW.status = 'to_annotate') - (OLD.status = 'to_annotate'),"
    " to_validate = to_validate + (NEW.status = 'to_validate') - (OLD.status = 'to_validate'),"
    " to_correct = to_correct + (NEW.status = 'to_correct') - (OLD.status = 'to_correct'),"
    " done = done + (NEW.status = 'done') - (OLD.status = 'done'),"
    " discard = discard + (NEW.status = 'discard') - (OLD.status = 'discard')"
    " WHERE task_name = NEW.task_name AND block = NEW.ord / 256; END",
)
BLOCK_FILL = (
    "INSERT INTO result_blocks (task_name, block, to_annotate, to_validate, to_correct, done,"
    " discard) SELECT task_name, ord / 256, sum(status = 'to_annotate'),"
    " sum(status = 'to_validate'), sum(status = 'to_correct'), sum(status = 'done'),"
    " sum(status = 'discard') FROM results GROUP BY task_name, ord / 256"
)


def block_locate(c: sqlite3.Connection, task_name: str, statuses: list[str],
                 k: int) -> int | None:
    """The block mechanism's locate, as the store ran it (schema version 2)."""
    before = 0
    # `number` is read after the loop: the block holding the k-th match.
    for number, n in c.execute(  # noqa: B007
            f"SELECT block, {' + '.join(statuses)} FROM result_blocks"
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


def seeds(count: int) -> dict[str, ItemSeed]:
    chosen = random.Random(12).choices(STATUSES, WEIGHTS, k=count)
    return {f"item{i:06d}": ItemSeed(status=status, annotator="ann" if status != "to_annotate"
                                     else "") for i, status in enumerate(chosen)}


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    samples, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples, value


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(samples):7.3f} ms  p95 {p95:7.3f} ms"


async def build(folder: Path, count: int) -> SqliteStore:
    store = SqliteStore(folder / "bench.sqlite3")
    await store.open()

    async def batches():
        for start in range(0, count, 5000):
            yield [{"id": f"item{i:06d}", "dataset_id": "ds", "type": "image",
                    "path": f"/data/images/img_{i:06d}.jpg", "children": [], "order": i}
                   for i in range(start, min(count, start + 5000))]

    await store.create_dataset({"id": "ds", "path": "images/", "data_type": "image"}, batches())
    await store.create_task({"name": "bench", "spec_id": "s", "dataset_id": "ds"},
                            [f"item{i:06d}" for i in range(count)], time.time(), seeds=seeds(count))
    return store


def write_costs(path: Path, count: int, changes: int, rounds: int = 3) -> None:
    """A task's results inserted (one transaction) and status changes (in one transaction: the
    statements' own cost, without the commit's fsync), with and without the block triggers,
    alternated `rounds` times; medians."""
    figures: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(rounds):
        for with_blocks in (False, True):
            figures[with_blocks].append(_write_round(path, with_blocks, changes))
    for with_blocks in (False, True):
        inserts = [insert for insert, _ in figures[with_blocks]]
        updates = [update for _, update in figures[with_blocks]]
        label = "with block triggers" if with_blocks else "without (covered offset)"
        print(f"  {label:26s} insert {count:,} results median {statistics.median(inserts):7.1f} ms"
              f"   status change median {statistics.median(updates) * 1000:6.1f} µs each")


def _write_round(path: Path, with_blocks: bool, changes: int) -> tuple[float, float]:
    """(ms to insert a copy of the task's results, ms per status change) in one configuration."""
    c = sqlite3.connect(path, isolation_level=None)
    try:
        c.execute("DROP TABLE IF EXISTS result_blocks")
        for name in ("insert", "status", "delete", "task_delete"):
            c.execute(f"DROP TRIGGER IF EXISTS result_blocks_{name}")
        if with_blocks:
            for statement in BLOCK_DDL:
                c.execute(statement)
        c.execute("CREATE TEMP TABLE copy AS SELECT * FROM results WHERE task_name = 'bench'")
        c.execute("UPDATE copy SET task_name = 'again'")
        start = time.perf_counter()
        c.execute("BEGIN")
        c.execute("INSERT INTO results SELECT * FROM copy")
        c.execute("COMMIT")
        insert_ms = (time.perf_counter() - start) * 1000
        rows = c.execute("SELECT rowid, status FROM results WHERE task_name = 'again'"
                         " ORDER BY ord LIMIT ?", (changes,)).fetchall()
        c.execute("BEGIN")
        start = time.perf_counter()
        for rowid, status in rows:
            c.execute("UPDATE results SET status = ? WHERE rowid = ?",
                      ("done" if status != "done" else "to_annotate", rowid))
        change_ms = (time.perf_counter() - start) * 1000 / len(rows)
        c.execute("COMMIT")
        c.execute("DELETE FROM results WHERE task_name = 'again'")
        return insert_ms, change_ms
    finally:
        c.close()


async def run(count: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-status-") as tmp:
        print(f"== task of {count:,} items, statuses {dict(zip(STATUSES, WEIGHTS, strict=True))} %")
        store = await build(Path(tmp), count)
        path = Path(tmp) / "bench.sqlite3"
        found = (await store.get_status_counts(["bench"]))[0]
        assert found is not None
        counts: dict[str, Any] = dict(found)
        c = sqlite3.connect(path, isolation_level=None)
        c.execute("DROP TABLE IF EXISTS result_blocks")
        for statement in BLOCK_DDL:
            c.execute(statement)
        c.execute(BLOCK_FILL)
        print("\nlocate the k-th match (ms, one call on the connection)")
        for statuses in (["to_annotate"], ["to_validate", "done"]):
            matches = sum(counts[s] for s in statuses)
            for k in sorted({0, 1000, min(20000, matches - 1), matches - 1}):
                blocks, found = timed(partial(block_locate, c, "bench", statuses, k), runs)
                covered, same = timed(partial(covered_locate, c, "bench", statuses, k), runs)
                assert found == same, (statuses, k, found, same)
                print(f"  {'+'.join(statuses):22s} k={k:>6,}  blocks {summary(blocks)}   "
                      f"covered {summary(covered)}")
        c.close()
        print("\nresults page of 10 with data through the store (list_results, ms)")
        loop_runs = max(runs // 2, 5)
        for statuses in ((), ("to_annotate",), ("to_validate", "done")):
            chosen = ResultFilter(statuses=statuses)
            matches = sum(counts[s] for s in statuses) if statuses else count
            for offset in sorted({0, min(20000, matches - 10), max(matches - 10, 0)}):
                samples = []
                for _ in range(loop_runs):
                    start = time.perf_counter()
                    page = await store.list_results("bench", chosen, ResultSort.DATA, 10,
                                                    offset=offset, with_data=True)
                    samples.append((time.perf_counter() - start) * 1000)
                label = "+".join(statuses) or "no filter"
                print(f"  {label:22s} offset {offset:>6,}  {summary(samples)}  "
                      f"({len(page.items)} items)")
        samples = []
        for _ in range(loop_runs):
            start = time.perf_counter()
            await store.get_status_counts(["bench"])
            samples.append((time.perf_counter() - start) * 1000)
        print(f"  status counts (task_counts)        {summary(samples)}")
        await store.close()
        print("\nwhat the block counters cost the writes")
        write_costs(path, count, changes=2000 if runs > 10 else 500)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 items, fewer runs")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    count = args.count or (10000 if args.quick else 50000)
    asyncio.run(run(count, args.runs or (7 if args.quick else 31)))


if __name__ == "__main__":
    main()

"""Label statistics per task and per-worker statistics on the embedded engine (issue 13).

For tasks of `--sizes` items, straight on the SQLite store: reading a task's label totals from
the counters (`get_label_totals`) against the scan they replaced (the same SQL the store ran
before: every labels row's statistics summed), a labels save with the counters' triggers and
without them, task creation with and without them, and `get_worker_statistics` for the task and
for one worker over every task (`User.statistics`).
Labels are written into every item first (1-4 objects of 5 categories, through the triggers);
a few hundred items go through claim + submit so the job history is not empty.

Run: `.venv/bin/python -m bench.statistics` (`--sizes 10000 --repeat 3` for a quick look).
Medians (and p95 where it says so), in milliseconds.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from store.repositories.workflow_types import JobAction, label_statistics
from store.sqlite import SqliteStore

CATEGORIES = ["car", "bus", "truck", "bike", "person"]
TRIGGERS = ("label_totals_insert", "label_totals_update", "label_totals_delete")
OLD_SCAN = (
    "SELECT total(json_extract(statistics, '$.objects')) FROM labels WHERE task_name = ?",
    "SELECT j.key, total(j.value) FROM labels, json_each(labels.statistics, '$.categories') AS j"
    " WHERE labels.task_name = ? GROUP BY j.key ORDER BY j.key",
)


def boxes(rng: random.Random) -> list[dict[str, Any]]:
    return [{"id": str(i), "category": rng.choice(CATEGORIES),
             "geometry": {"type": "rectangle", "vertices": [0.1, 0.1, 0.4, 0.5]}}
            for i in range(rng.randint(1, 4))]


async def timed(call: Callable[[], Awaitable[Any]], repeat: int) -> list[float]:
    """Milliseconds of `repeat` sequential calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


async def set_triggers(store: SqliteStore, on: bool) -> None:
    """Drop the counters' triggers (off) or create them again (on), to time both."""
    from store.sqlite.schema import WORKFLOW

    def apply(c: Any) -> None:
        if on:
            for statement in WORKFLOW:
                if "TRIGGER IF NOT EXISTS label_totals" in statement:
                    c.execute(statement)
        else:
            for name in TRIGGERS:
                c.execute(f"DROP TRIGGER IF EXISTS {name}")

    await store._db.write(apply)


async def fill_labels(store: SqliteStore, task: str, ids: list[str], rng: random.Random) -> None:
    rows = []
    for data_id in ids:
        annotations = boxes(rng)
        rows.append((json.dumps(label_statistics(annotations)), json.dumps(annotations), task,
                     data_id))
    await store._db.write(lambda c: c.executemany(
        "UPDATE labels SET statistics = ?, annotations = ? WHERE task_name = ? AND data_id = ?",
        rows))


async def old_scan(store: SqliteStore, task: str) -> dict[str, Any]:
    def scan(c: Any) -> dict[str, Any]:
        objects = c.execute(OLD_SCAN[0], (task,)).fetchone()[0]
        categories = c.execute(OLD_SCAN[1], (task,)).fetchall()
        return {"objects": int(objects), "categories": {k: int(n) for k, n in categories}}

    return await store._db.read(scan)


async def measure(size: int, repeat: int, folder: Path) -> dict[str, Any]:
    rng = random.Random(size)
    store = SqliteStore(folder / f"bench-{size}.sqlite3")
    await store.open()
    ids = [f"d{i:07d}" for i in range(size)]
    figures: dict[str, Any] = {"size": size}
    creation = {True: [], False: []}
    for round_ in range(repeat):
        for on in (True, False):
            await set_triggers(store, on)
            name = f"c{round_}{int(on)}"
            start = time.perf_counter()
            await store.create_task({"name": name, "spec_id": "s", "dataset_id": "d"}, ids, 1.0)
            creation[on].append((time.perf_counter() - start) * 1000)
            await store.delete_task(name)
    await set_triggers(store, True)
    figures["create with / without triggers"] = (median(creation[True]),
                                                 median(creation[False]))

    await store.create_task({"name": "t", "spec_id": "s", "dataset_id": "d"}, ids, 1.0)
    await fill_labels(store, "t", ids, rng)
    now = 10.0
    for i in range(min(300, size)):  # some history for the worker statistics
        user = f"ann{i % 5}"
        job = await store.claim_job("t", user, "to_annotate", now, 3600)
        now += 30
        await store.update_job("t", job["id"], user, JobAction.END, now, status="to_validate")
    assert await store.get_label_totals("t") == await old_scan(store, "t")

    figures["totals: counters"] = median(await timed(lambda: store.get_label_totals("t"),
                                                     repeat * 20))
    figures["totals: old scan"] = median(await timed(lambda: old_scan(store, "t"), repeat * 3))

    saves = {True: [], False: []}
    for on in (True, False):
        await set_triggers(store, on)
        for _ in range(repeat * 50):
            data_id = rng.choice(ids)
            start = time.perf_counter()
            await store.save_labels("t", data_id, boxes(rng), "admin", True, now)
            saves[on].append((time.perf_counter() - start) * 1000)
    await set_triggers(store, True)
    figures["save with triggers (p95)"] = (median(saves[True]), p95(saves[True]))
    figures["save without (p95)"] = (median(saves[False]), p95(saves[False]))
    figures["worker statistics (task)"] = median(await timed(
        lambda: store.get_worker_statistics("t"), repeat * 3))
    figures["one worker, every task"] = median(await timed(
        lambda: store.get_worker_statistics(username="ann1"), repeat * 3))
    await store.close()
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            figures = await measure(size, args.repeat, Path(folder))
            print(f"--- {size} items (ms, medians)")
            for key, value in figures.items():
                if key == "size":
                    continue
                shown = (" / ".join(f"{v:.3f}" for v in value) if isinstance(value, tuple)
                         else f"{value:.3f}")
                print(f"{key:32} {shown}")
            scan, counters = figures["totals: old scan"], figures["totals: counters"]
            print(f"{'totals: scan / counters':32} {scan / counters:.0f}x")


if __name__ == "__main__":
    asyncio.run(main())

"""Task export and import (Pixano JSON) on the embedded engine, through the whole app in process.

For a task of N images (default 2,000 and 10,000) whose items hold 12 boxes each and a mix of
statuses: `exportTasks` (median of 3 runs, each replacing the previous export) and `importTasks`
of that export (median of 3, the imported task deleted in between), in seconds and items per
second, with the size of the export on disk.

The dataset's items are written straight through the store (bench/workflow.py `fill_dataset`), so
the figures are the transfer's, not the image scanner's.

Run: `.venv/bin/python -m bench.transfer` (`--sizes 2000` for one size, `--runs 1`).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bench.workflow import ADMIN_PASSWORD, ANNOTATIONS, CREATE_TASK, DELETE_TASK, fill_dataset, login
from graph.app import create_app
from graph.services import SERVICES
from graph.settings import Settings

EXPORT = """mutation { exportTasks(input: {path: "exports/bench"}) { itemCount } }"""
IMPORT = """mutation { importTasks(input: {path: "exports/bench"}) { itemCount
  tasks { name statusCounts { total done toValidate } } } }"""
STATUSES = ("done", "to_validate", "to_correct", None)  # None: left to_annotate


async def run_size(count: int, runs: int) -> dict[str, list[float] | float]:
    with tempfile.TemporaryDirectory(prefix="bench-transfer-") as tmp:
        workspace = Path(tmp)
        (workspace / "images").mkdir()
        app = create_app(Settings(workspace=workspace, admin_password=ADMIN_PASSWORD))
        async with TestClient(TestServer(app)) as client:
            await fill_dataset(app, count)
            admin = await login(client, "admin", ADMIN_PASSWORD)
            await admin.gql(CREATE_TASK, {"n": "bench"})
            store = app[SERVICES].store
            ids = await store.list_data_ids(f"ds{count}")
            now = time.time()
            for data_id in ids:
                await store.save_labels("bench", data_id, ANNOTATIONS, "admin", True, now)
            for index, status in enumerate(STATUSES):
                if status is not None:
                    await store.reset_items("bench", ids[index::len(STATUSES)], by_job=False,
                                            status=status, now=now)
            exports, imports = [], []
            for _ in range(runs):
                started = time.perf_counter()
                data = await admin.gql(EXPORT)
                exports.append(time.perf_counter() - started)
                assert data["exportTasks"]["itemCount"] == count
            for _ in range(runs):
                started = time.perf_counter()
                data = await admin.gql(IMPORT)
                imports.append(time.perf_counter() - started)
                task = data["importTasks"]["tasks"][0]
                assert task["statusCounts"]["total"] == count, task
                await admin.gql(DELETE_TASK, {"n": task["name"]})
            size = sum(p.stat().st_size for p in (workspace / "exports").rglob("*.json"))
    return {"export": exports, "import": imports, "megabytes": size / 1e6}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for count in args.sizes:
        figures = await run_size(count, args.runs)
        print(f"\n== task of {count:,} items, 12 boxes each ({figures['megabytes']:.1f} MB of JSON)")
        for key in ("export", "import"):
            samples = figures[key]
            median = statistics.median(samples)
            print(f"{key}Tasks  median {median:6.2f} s  ({count / median:,.0f} items/s; runs: "
                  f"{', '.join(f'{s:.2f}' for s in samples)})")


if __name__ == "__main__":
    asyncio.run(main())

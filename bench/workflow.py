"""Workflow latencies on the embedded engine as a task grows (issue 4).

For tasks of 1,000, 10,000 and 50,000 images, through the whole app (aiohttp + GraphQL + SQLite,
in process): the time to create the task (`createTask` on an existing dataset; median of 3, the
task deleted in between), the latency of one claim + save labels + submit cycle (median and p95,
sequential, at the start of the task and again after a deep stretch of it is done), the same
cycle with 8 users at once (throughput), and a results page (first 10, with thumbnails) with a
status filter: a rare status, a common one, and a keyset page deep in the task.

The dataset's items are written straight through the store (with a ~3 kB thumbnail each, the
size Pillow makes), so the figures are the workflow's, not the image scanner's (bench/ingest.py).

Run: `.venv/bin/python -m bench.workflow` (`--quick` for 1,000 and 5,000 items and fewer runs).
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from graph.app import create_app
from graph.services import SERVICES
from graph.settings import Settings

ADMIN_PASSWORD = "bench-admin-password"
USER_PASSWORD = "bench-user-password"
THUMBNAIL = base64.b64encode(os.urandom(2300)).decode()  # ~3 kB like a real 100 px JPEG
SPEC = {"pluginName": "rectangle", "dataType": "IMAGE",
        "labelSchema": {"category": [{"name": "car", "color": "green"}], "default": "car"}}
ANNOTATIONS = [{"id": str(i), "category": "car" if i % 3 else "person",
                "geometry": {"type": "rectangle", "vertices": [0.1, 0.1, 0.3 + i / 100, 0.4]}}
               for i in range(12)]

LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"""
CREATE_USER = """mutation($u: String!, $p: String!) {
  createUser(input: {username: $u, password: $p}) { username } }"""
CREATE_TASK = """mutation($n: String!) { createTask(input: {name: $n, dataset: {path: "images/"},
  spec: {pluginName: "rectangle", dataType: IMAGE,
         labelSchema: {category: [{name: "car", color: "green"}], default: "car"}}}) {
  name statusCounts { total } } }"""
DELETE_TASK = "mutation($n: String!) { deleteTask(name: $n) }"
NEXT_JOB = """mutation { nextJob(taskName: "bench", objective: TO_ANNOTATE) { id dataId } }"""
SAVE = """mutation($d: ID!, $a: JSON!) { saveLabels(taskName: "bench", dataId: $d,
  annotations: $a) { dataId } }"""
SUBMIT = """mutation($j: ID!) { updateJob(taskName: "bench", jobId: $j,
  input: {status: TO_VALIDATE}) }"""
RESULTS = """query($s: [LabellingStatus!], $after: String) {
  results(taskName: "bench", filter: {status: $s}, first: 10, after: $after) {
    totalCount statusCounts { toAnnotate toValidate done }
    items { dataId status annotator inProgress thumbnail }
    pageInfo { hasNextPage endCursor } } }"""


class Api:
    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.client.post("/graphql", json={"query": query,
                                                             "variables": variables or {}},
                                          headers=self.headers)
        body = await response.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]


async def login(client: TestClient, username: str, password: str) -> Api:
    response = await client.post("/graphql", json={"query": LOGIN, "variables": {
        "u": username, "p": password}})
    return Api(client, (await response.json())["data"]["login"]["token"])


async def fill_dataset(app: Any, count: int) -> None:
    """The dataset 'images/' with `count` items in path order, written through the store."""
    store = app[SERVICES].store
    dataset = {"id": f"ds{count}", "path": "images/", "data_type": "image"}

    async def batches():
        for start in range(0, count, 5000):
            yield [{"id": f"item{i:06d}", "dataset_id": dataset["id"], "type": "image",
                    "path": f"/data/images/img_{i:06d}.jpg", "children": [],
                    "thumbnail": THUMBNAIL, "order": i}
                   for i in range(start, min(count, start + 5000))]

    await store.create_dataset(dataset, batches())


async def timed(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await fn()
    return (time.perf_counter() - started) * 1000, result


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms   (n={len(ordered)})"


async def cycle(api: Api) -> float:
    started = time.perf_counter()
    job = (await api.gql(NEXT_JOB))["nextJob"]
    await api.gql(SAVE, {"d": job["dataId"], "a": ANNOTATIONS})
    await api.gql(SUBMIT, {"j": job["id"]})
    return (time.perf_counter() - started) * 1000


async def run_size(count: int, cycles: int, creations: int, deep: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-workflow-") as tmp:
        workspace = Path(tmp)
        (workspace / "images").mkdir()
        settings = Settings(workspace=workspace, admin_password=ADMIN_PASSWORD)
        app = create_app(settings)
        async with TestClient(TestServer(app)) as client:
            await fill_dataset(app, count)
            admin = await login(client, "admin", ADMIN_PASSWORD)
            created = []
            for _ in range(creations):
                ms, _ = await timed(lambda: admin.gql(CREATE_TASK, {"n": "bench"}))
                created.append(ms)
                if len(created) < creations:
                    await admin.gql(DELETE_TASK, {"n": "bench"})
            figures["create"] = created
            users = []
            for i in range(8):
                await admin.gql(CREATE_USER, {"u": f"user{i}", "p": USER_PASSWORD})
                users.append(await login(client, f"user{i}", USER_PASSWORD))
            for _ in range(5):  # warm caches and parsers
                await cycle(users[0])
            figures["cycle_start"] = [await cycle(users[i % 8]) for i in range(cycles)]
            # A deep stretch of the task done: the next free item is far into data order.
            store = app[SERVICES].store
            page = await store.list_results("bench", _filter(("to_annotate",)), _sort(), deep)
            ids = [s["data_id"] for s in page.items]
            await store.reset_items("bench", ids, by_job=False, status="done", now=time.time())
            figures["cycle_deep"] = [await cycle(users[i % 8]) for i in range(cycles)]
            started = time.perf_counter()
            rounds = concurrent_rounds(cycles)
            for _ in range(rounds):
                await asyncio.gather(*(cycle(u) for u in users))
            figures["concurrent_per_s"] = rounds * 8 / (time.perf_counter() - started)
            rare = [(await timed(lambda: admin.gql(RESULTS, {"s": ["TO_VALIDATE"]})))[0]
                    for _ in range(cycles)]
            common = [(await timed(lambda: admin.gql(RESULTS, {"s": ["TO_ANNOTATE"]})))[0]
                      for _ in range(cycles)]
            # A keyset page deep in the task: walk 20 pages of to_annotate items, time the last.
            after = None
            for _ in range(20):
                data = await admin.gql(RESULTS, {"s": ["TO_ANNOTATE"], "after": after})
                after = data["results"]["pageInfo"]["endCursor"]
            deep_page = [(await timed(lambda: admin.gql(RESULTS, {"s": ["TO_ANNOTATE"],
                                                                  "after": after})))[0]
                         for _ in range(cycles)]
            figures.update(page_rare=rare, page_common=common, page_deep=deep_page)
    return figures


def concurrent_rounds(cycles: int) -> int:
    return max(1, cycles // 16)


def deep_count(count: int, cycles: int) -> int:
    """How many items to mark done before the deep figures, leaving enough for every cycle."""
    needed = 5 + 2 * cycles + 8 * concurrent_rounds(cycles) + 100
    return max(0, min(count // 2, count - needed))


def _filter(statuses: tuple[str, ...]) -> Any:
    from store.repositories.workflow_listing import ResultFilter

    return ResultFilter(statuses=statuses)


def _sort() -> Any:
    from store.repositories.workflow_listing import ResultSort

    return ResultSort.DATA


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k and 5k items, fewer runs")
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    args = parser.parse_args()
    sizes = args.sizes or ([1000, 5000] if args.quick else [1000, 10000, 50000])
    cycles, creations = (40, 2) if args.quick else (150, 3)
    results: dict[int, dict[str, Any]] = {}
    for count in sizes:
        deep = deep_count(count, cycles)
        print(f"\n== task of {count:,} images ({deep:,} set to done for the deep figures)")
        figures = await run_size(count, cycles, creations, deep)
        results[count] = figures
        print(f"createTask             median {statistics.median(figures['create']):8.0f} ms  "
              f"({count / statistics.median(figures['create']) * 1000:,.0f} items/s, "
              f"runs: {', '.join(f'{m:.0f}' for m in figures['create'])})")
        print(f"claim+save+submit      {summary(figures['cycle_start'])}   at the start")
        print(f"claim+save+submit      {summary(figures['cycle_deep'])}   after {deep:,} done")
        print(f"8 users at once        {figures['concurrent_per_s']:7.0f} cycles/s")
        print(f"results, to_validate   {summary(figures['page_rare'])}   (rare status)")
        print(f"results, to_annotate   {summary(figures['page_common'])}   (common status)")
        print(f"results, page 21       {summary(figures['page_deep'])}   (keyset, to_annotate)")
    small = sizes[0]
    for large in sizes[1:]:
        print(f"\n== growth {small:,} -> {large:,} (ratio of medians; 1.00 = no growth)")
        for key in ("cycle_start", "cycle_deep", "page_rare", "page_common", "page_deep"):
            a = statistics.median(results[small][key])
            b = statistics.median(results[large][key])
            print(f"{key:14s} x{b / a:5.2f}")
        a = statistics.median(results[small]["create"]) / small
        b = statistics.median(results[large]["create"]) / large
        print(f"{'create/item':14s} x{b / a:5.2f}")


if __name__ == "__main__":
    asyncio.run(main())

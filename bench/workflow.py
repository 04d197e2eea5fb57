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

`--filters` measures instead, straight on each store engine (SQLite; MongoDB at MONGODB_URI, else
the in-process mongomock stand-in, whose figures say nothing about a real server), a results page
of a 50,000-item task (`--sizes` to change) for the legacy contains-filters (a scan of the task)
and, for comparison, the index-backed exact filters.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import functools
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

LOGIN = """mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }"""
CREATE_USER = """mutation($u: String!, $p: String!) {
  createUser(input: {username: $u, password: $p}) { user { username } } }"""
CREATE_TASK = """mutation($n: String!) { createTask(input: {name: $n, dataset: {path: "images/"},
  spec: {pluginName: "rectangle", dataType: IMAGE,
         labelSchema: {category: [{name: "car", color: "green"}], default: "car"}}}) {
  task { name statusCounts { total } } } }"""
DELETE_TASK = "mutation($n: String!) { deleteTask(input: {name: $n}) { deletedId } }"
NEXT_JOB = """mutation { nextJob(input: {taskName: "bench", objective: ANNOTATE}) {
  job { id dataId } } }"""
SAVE = """mutation($d: ID!, $a: JSON!) { saveLabels(input: {taskName: "bench", dataId: $d,
  annotations: $a}) { labels { dataId } } }"""
SUBMIT = """mutation($j: ID!) { submitJob(input: {jobId: $j, status: TO_VALIDATE}) {
  job { id } } }"""
#: The job loop's step as a UI does it: submit with the labels and take the next job, one request.
STEP = """mutation($j: ID!, $a: JSON!) { submitJob(input: {jobId: $j, status: TO_VALIDATE,
  labels: $a, nextJob: true}) { result { status } nextJob { id dataId
  dataItem { urls } spec { labelSchema } labels { annotations } } } }"""
RESULTS = """query($s: [LabellingStatus!], $after: String) {
  results(taskName: "bench", filter: {status: $s}, first: 10, after: $after) {
    totalCount statusCounts { toAnnotate toValidate done }
    nodes { dataId status annotator inProgress thumbnail }
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
    job = (await api.gql(NEXT_JOB))["nextJob"]["job"]
    await api.gql(SAVE, {"d": job["dataId"], "a": ANNOTATIONS})
    await api.gql(SUBMIT, {"j": job["id"]})
    return (time.perf_counter() - started) * 1000


async def loop_steps(api: Api, steps: int) -> list[float]:
    """`steps` one-request steps (submit + labels + next job), each timed."""
    job = (await api.gql(NEXT_JOB))["nextJob"]["job"]
    times = []
    for _ in range(steps):
        started = time.perf_counter()
        job = (await api.gql(STEP, {"j": job["id"], "a": ANNOTATIONS}))["submitJob"]["nextJob"]
        times.append((time.perf_counter() - started) * 1000)
    return times


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
            figures["step_start"] = await loop_steps(users[0], cycles)
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
    needed = 5 + 3 * cycles + 8 * concurrent_rounds(cycles) + 100
    return max(0, min(count // 2, count - needed))


def _filter(statuses: tuple[str, ...]) -> Any:
    from store.repositories.workflow_listing import ResultFilter

    return ResultFilter(statuses=statuses)


def _sort() -> Any:
    from store.repositories.workflow_listing import ResultSort

    return ResultSort.DATA


async def filled_store(engine: str, folder: Path, count: int) -> Any:
    """A store of `engine` holding a task 'bench' of `count` items (with ~3 kB thumbnails and
    paths images/img_000000.jpg …), its first 60 items annotated by ann0..ann5, 20 of them
    validated by val0/val1."""
    from store.repositories.workflow_types import JobAction

    if engine == "sqlite":
        from store.sqlite import SqliteStore

        store: Any = SqliteStore(folder / "bench.sqlite3")
    elif os.environ.get("MONGODB_URI"):
        from store.mongo import MongoStore

        store = MongoStore.from_uri(os.environ["MONGODB_URI"], f"bench_filters_{os.getpid()}")
    else:
        from mongomock_motor import AsyncMongoMockClient

        from store.mongo import MongoStore

        store = MongoStore(AsyncMongoMockClient(), "bench_filters")
    await store.open()
    dataset = {"id": "ds", "path": "images/", "data_type": "image"}

    async def batches():
        for start in range(0, count, 5000):
            yield [{"id": f"item{i:06d}", "dataset_id": "ds", "type": "image",
                    "path": f"/data/images/img_{i:06d}.jpg", "children": [],
                    "thumbnail": THUMBNAIL, "order": i}
                   for i in range(start, min(count, start + 5000))]

    await store.create_dataset(dataset, batches())
    await store.create_task({"name": "bench", "spec_id": "s", "dataset_id": "ds"},
                            [f"item{i:06d}" for i in range(count)], time.time())
    for i in range(60):
        job = await store.claim_job("bench", f"ann{i % 6}", "to_annotate", time.time(), 3600)
        await store.update_job("bench", job["id"], f"ann{i % 6}", JobAction.END, time.time(),
                               status="to_validate")
    for i in range(20):
        job = await store.claim_job("bench", f"val{i % 2}", "to_validate", time.time(), 3600)
        await store.update_job("bench", job["id"], f"val{i % 2}", JobAction.END, time.time(),
                               status="done")
    return store


def filter_cases(count: int) -> list[tuple[str, dict[str, Any], str, int]]:
    """(label, ResultFilter arguments, sort, offset) of each measured listing."""
    deep = (count // 2) // 10 * 10
    return [
        ("exact status=to_validate (rare)", {"statuses": ("to_validate",)}, "data", 0),
        ("exact status=to_annotate (common)", {"statuses": ("to_annotate",)}, "data", 0),
        (f"exact status=to_annotate, offset {deep:,}", {"statuses": ("to_annotate",)}, "data",
         deep),
        ("contains status=to_ (folds: index)", {"contains": (("status", ("to_",)),)}, "data", 0),
        ("contains path=img_0123 (100 match)", {"contains": (("path", ("img_0123",)),)}, "data",
         0),
        ("contains path=img_0 (all match)", {"contains": (("path", ("img_0",)),)}, "data", 0),
        (f"contains path=img_0, offset {deep:,}", {"contains": (("path", ("img_0",)),)}, "data",
         deep),
        ("contains path=a;b;c (3 alternatives)",
         {"contains": (("path", ("img_000001", "img_012345", "img_049999")),)}, "data", 0),
        ("contains annotator=ann (60 match)", {"contains": (("annotator", ("ann",)),)}, "data", 0),
        ("contains annotator=ann + status", {"contains": (("annotator", ("ann",)),),
                                             "statuses": ("to_validate",)}, "data", 0),
        ("contains worker=1, sort status", {"contains": (("worker", ("1",)),)}, "status", 0),
        ("contains data_id=item04, sort assigned", {"contains": (("data_id", ("item04",)),)},
         "assigned", 0),
    ]


async def filters(sizes: list[int], runs: int, engines: list[str]) -> None:
    from store.repositories.workflow_listing import ResultFilter, ResultSort

    for count in sizes:
        for engine in engines:
            label = engine if engine == "sqlite" or os.environ.get("MONGODB_URI") else \
                "mongomock (in-process stand-in, not a MongoDB server)"
            print(f"\n== {label}: results page of 10 (with data), task of {count:,} items")
            with tempfile.TemporaryDirectory(prefix="bench-filters-") as tmp:
                store = await filled_store(engine, Path(tmp), count)
                for name, arguments, sort, offset in filter_cases(count):
                    try:
                        chosen = ResultFilter(**arguments)
                    except TypeError:  # this code has no contains-filters
                        continue
                    samples = []
                    read = functools.partial(store.list_results, "bench", chosen,
                                             ResultSort(sort), 10, offset=offset, with_data=True)
                    for _ in range(runs):
                        ms, page = await timed(read)
                        samples.append(ms)
                    print(f"{name:42s} {summary(samples)}   total {page.total:,}")
                if engine == "mongodb" and os.environ.get("MONGODB_URI"):
                    await store._client.drop_database(store._db.name)
                await store.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k and 5k items, fewer runs")
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--filters", action="store_true",
                        help="result filters (contains and exact) on each engine, 50k items")
    parser.add_argument("--engines", nargs="*", default=["sqlite", "mongodb"],
                        choices=["sqlite", "mongodb"], help="with --filters")
    args = parser.parse_args()
    if args.filters:
        await filters(args.sizes or [5000 if args.quick else 50000], 5 if args.quick else 15,
                      args.engines)
        return
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
        print(f"submit+labels+next     {summary(figures['step_start'])}   one request, at the start")
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

"""API latency against the machine's own floor (issue 7).

Starts the real server (embedded engine) as a subprocess on a generated workspace, and a bare aiohttp
app returning `{}` as the floor F, then times with ONE HTTP client, sequentially:
  claim (REST GET jobs/next), save labels (REST PUT labels), submit (REST PUT jobs/{id}),
  GraphQL nextJob, REST results page (10 with thumbnails, status filter) and the GraphQL results
  connection (first 10, status filter), both at the start and deep in the task,
on tasks of 1,000 and 50,000 images; then createTask on 10,000 images of 320x240 (images/s) against a
single-process full-decode baseline, and the server's peak RSS while creating the 50,000-item task.

Every figure is printed as a ratio to F (medians, p95 alongside). Run: `.venv/bin/python -m bench.api`
(`--quick` for a smaller run while developing).
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
from PIL import Image

from tests.serverproc import ServerProcess, free_port

ADMIN_PASSWORD = "bench-admin-password"
SPEC = {"plugin_name": "rectangle", "data_type": "image",
        "label_schema": {"category": [{"name": "car", "color": "green"}], "default": "car"}}

FLOOR_APP = """
import sys
from aiohttp import web
async def empty(request):
    return web.json_response({})
app = web.Application()
app.router.add_get("/", empty)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


# ---------------------------------------------------------------- workspace generation

def make_images(folder: Path, count: int, size: tuple[int, int], distinct: int = 200) -> None:
    """`count` real JPEG files; `distinct` different pictures hard-linked to save generation time."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for index in range(min(distinct, count)):
        path = folder / f"img_{index:06d}.jpg"
        image = Image.new("RGB", size, ((index * 37) % 255, (index * 91) % 255, 120))
        image.paste((255, 255, 255), (index % size[0], 0, min(size[0], index % size[0] + 20), size[1] // 2))
        image.save(path, quality=85)
        sources.append(path)
    for index in range(len(sources), count):
        os.link(sources[index % len(sources)], folder / f"img_{index:06d}.jpg")


def baseline_ingest_rate(folder: Path, limit: int = 1000) -> float:
    """Images/s of the naive way: one process, full decode, thumbnail, base64 — what we must beat."""
    files = sorted(folder.iterdir())[:limit]
    started = time.perf_counter()
    for path in files:
        with Image.open(path) as image:
            image.load()
            width = max(1, round(image.width * 100 / image.height))
            thumb = image.convert("RGB").resize((width, 100))
            buffer = io.BytesIO()
            thumb.save(buffer, format="JPEG")
            base64.b64encode(buffer.getvalue())
    return len(files) / (time.perf_counter() - started)


# ---------------------------------------------------------------- measuring

def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


async def timed(call: Callable[[], Awaitable[object]], runs: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


class RssSampler:
    """Peak resident memory of a process tree, sampled every 20 ms from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree_rss(self) -> int:
        total = 0
        pids = [self.pid]
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            pids += [int(c) for c in children]
        except OSError:
            pass
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss())
            time.sleep(0.02)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Api:
    """A REST + GraphQL client for one user (cookie session), as a legacy script would be."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def login(self, username: str, password: str) -> None:
        async with self.session.post(f"{self.base}/api/v1/login",
                                     json={"username": username, "password": password}) as r:
            assert r.status == 200, await r.text()

    async def rest(self, method: str, path: str, expect: int = 200, **kwargs: object) -> object:
        async with self.session.request(method, f"{self.base}/api/v1{path}", **kwargs) as r:
            body = await r.read()
            assert r.status == expect, (method, path, r.status, body[:300])
            return await r.json() if body else None

    async def gql(self, query: str, variables: dict | None = None) -> dict:
        async with self.session.post(f"{self.base}/graphql",
                                     json={"query": query, "variables": variables or {}}) as r:
            body = await r.json()
            assert not body.get("errors"), body
            return body["data"]

    async def close(self) -> None:
        await self.session.close()


NEXT_JOB = """mutation($t: String!) { nextJob(input: {taskName: $t, objective: ANNOTATE}) {
  job { jobId dataId } } }"""
RESULTS = """query($t: String!, $after: String, $offset: Int) {
  results(taskName: $t, filter: {status: [TO_ANNOTATE]}, first: 10, after: $after, offset: $offset) {
    totalCount nodes { dataId status thumbnail } pageInfo { endCursor } } }"""


async def measure_task(base: str, admin: Api, size: int, folder: str, runs: int) -> dict[str, list[float]]:
    """Latencies on one task of `size` items; the task is created first (timed apart)."""
    task = f"bench_{size}"
    started = time.perf_counter()
    await admin.rest("POST", "/tasks", expect=201, json={
        "name": task, "spec": SPEC, "dataset": {"path": folder, "data_type": "image"}})
    created_in = time.perf_counter() - started
    figures: dict[str, list[float]] = {"createTask (s)": [created_in]}

    annotator = Api(base)
    await annotator.login("annotator", "annotator-pw")
    claims, saves, submits = [], [], []
    for index in range(runs + 10):
        t0 = time.perf_counter()
        job = await annotator.rest("GET", f"/tasks/{task}/jobs/next?objective=to_annotate")
        t1 = time.perf_counter()
        await annotator.rest("PUT", f"/tasks/{task}/labels/{job['data_id']}", expect=204, json={
            "task_name": task, "data_id": job["data_id"],
            "annotations": [{"id": "a", "category": "car", "geometry": {"vertices": [0, 0, 1, 1]}}]})
        t2 = time.perf_counter()
        await annotator.rest("PUT", f"/tasks/{task}/jobs/{job['id']}", expect=204,
                             json={"objective": "to_validate"})
        t3 = time.perf_counter()
        if index >= 10:
            claims.append(t1 - t0), saves.append(t2 - t1), submits.append(t3 - t2)
    figures.update({"REST claim": claims, "REST save labels": saves, "REST submit": submits})

    async def graphql_claim_and_submit() -> float:
        t0 = time.perf_counter()
        job = (await annotator.gql(NEXT_JOB, {"t": task}))["nextJob"]["job"]
        elapsed = time.perf_counter() - t0
        await annotator.rest("PUT", f"/tasks/{task}/jobs/{job['jobId']}", expect=204,
                             json={"objective": "to_validate"})
        return elapsed

    figures["GraphQL nextJob"] = [await graphql_claim_and_submit() for _ in range(runs)]

    # Half-way through the matching items, 10 per page. (Was size // 20: at 1,000 items the
    # claims above leave ~390 to_annotate, so that page was past the end and empty.)
    matching = (await admin.rest("GET", f"/tasks/{task}/results?page=1&count=10&status=to_annotate"))["counter"]
    deep_page = max(1, matching // 20)
    figures["REST results page 1"] = await timed(lambda: admin.rest(
        "GET", f"/tasks/{task}/results?page=1&count=10&status=to_annotate"), runs)
    figures["REST results deep page"] = await timed(lambda: admin.rest(
        "GET", f"/tasks/{task}/results?page={deep_page}&count=10&status=to_annotate"), runs)
    figures["GraphQL results first"] = await timed(lambda: admin.gql(RESULTS, {"t": task}), runs)
    deep = await admin.gql(RESULTS, {"t": task, "offset": size // 2})
    cursor = deep["results"]["pageInfo"]["endCursor"]
    figures["GraphQL results deep (cursor)"] = await timed(
        lambda: admin.gql(RESULTS, {"t": task, "after": cursor}), runs)
    await annotator.close()
    return figures


async def floor(base: str, runs: int) -> list[float]:
    async with aiohttp.ClientSession() as session:
        async def call() -> None:
            async with session.get(base) as r:
                await r.read()
        return await timed(call, runs * 2, warmup=50)


async def run(args: argparse.Namespace) -> None:
    sizes = [200, 2000] if args.quick else [1000, 50000]
    ingest_size = 1000 if args.quick else 10000
    runs = 60 if args.quick else 300
    with tempfile.TemporaryDirectory(prefix="pixano-bench-") as tmp:
        workspace = Path(tmp)
        print(f"generating images in {workspace} ...", flush=True)
        for size in sizes:
            make_images(workspace / f"images_{size}", size, (64, 48))
        make_images(workspace / "ingest", ingest_size, (320, 240))

        floor_port = free_port()
        floor_proc = subprocess.Popen([sys.executable, "-c", FLOOR_APP, str(floor_port)])
        server = ServerProcess(workspace, env={"PIXANO_ADMIN_PASSWORD": ADMIN_PASSWORD, "MONGODB_URI": ""})
        try:
            server.wait_ready()
            await asyncio.sleep(0.5)
            admin = Api(server.url)
            await admin.login("admin", ADMIN_PASSWORD)
            await admin.rest("POST", "/users", expect=201,
                             json={"username": "annotator", "password": "annotator-pw", "role": "user"})
            floor_samples = await floor(f"http://127.0.0.1:{floor_port}/", runs)
            F = statistics.median(floor_samples)

            results: dict[int, dict[str, list[float]]] = {}
            peak_rss = 0
            for size in sizes:
                with RssSampler(server.process.pid) as sampler:
                    results[size] = await measure_task(server.url, admin, size, f"images_{size}/", runs)
                peak_rss = max(peak_rss, sampler.peak) if size == sizes[-1] else peak_rss

            started = time.perf_counter()
            await admin.rest("POST", "/tasks", expect=201, json={
                "name": "bench_ingest", "spec": SPEC, "dataset": {"path": "ingest/", "data_type": "image"}})
            ingest_rate = ingest_size / (time.perf_counter() - started)
            baseline = baseline_ingest_rate(workspace / "ingest")
            await admin.close()
        finally:
            server.stop()
            floor_proc.terminate()

    small, large = sizes
    print(f"\nfloor F (bare aiohttp GET returning {{}}): median {F * 1000:.3f} ms")
    print(f"{'operation':34} {'at ' + str(small):>22} {'at ' + str(large):>22} {'growth':>7}")
    for name in results[small]:
        if name == "createTask (s)":
            continue
        m_small, p_small = summary(results[small][name])
        m_large, p_large = summary(results[large][name])
        print(f"{name:34} {m_small / F:6.2f} F ({m_small * 1000:6.2f} ms) {m_large / F:6.2f} F "
              f"({m_large * 1000:6.2f} ms) {m_large / m_small:6.2f}x   p95 {p_large * 1000:.2f} ms")
    for size in sizes:
        print(f"createTask on {size} images (64x48): {results[size]['createTask (s)'][0]:.2f} s")
    print(f"ingest: createTask on {ingest_size} images of 320x240: {ingest_rate:.0f} images/s; "
          f"single-process full-decode baseline {baseline:.0f} images/s; ratio {ingest_rate / baseline:.2f}x")
    print(f"server peak RSS (process tree) during the {large}-item task: {peak_rss / 2**20:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()

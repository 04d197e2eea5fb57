"""Throughput under concurrency (issue 16): N annotators doing claim -> save -> submit at once.

One workspace of `--items` hard-linked 320x240 JPEGs is made and ingested once (one dataset); then
for each server configuration

  w1-off   `--workers 1`, group commit off: one process, one durable commit per write
  w1-on    `--workers 1`, group commit on
  wD-off   `--workers` default (the number of cores), group commit off
  wD-on    the defaults: every core, group commit on
  today    (with `--baseline PATH`) the server of another checkout, e.g. /work/main, unflagged

the real server is started (`pixano-graph serve` as a subprocess, `PIXANO_METRICS=open`), a fresh
task is created on the dataset, and for each N in `--clients` N annotators (each its own HTTP
connection and session cookie, all in this one asyncio process) run claim (REST GET jobs/next),
save (PUT labels/{id}) and submit (PUT jobs/{id}) in a loop for `--duration` seconds after a
one-second warm-up. Reported per run: cycles/s, p50/p99 of the single requests, and commits per
acknowledged write (from the server's /metrics counters, the difference over the run).

The load generator shares the machine with the server (2 cores here), so compare ratios within a
run: targets at N = 30 with the defaults are cycles/s >= 1.6x its N = 1 figure and >= 2x the w1-off
N = 30 figure, commits per acknowledged write <= 0.25, p99 <= 5x p50.

Run: `.venv/bin/python -m bench.load` (`--clients 1,30 --duration 5 --repeat 1` for a quick look;
`--workspace DIR` keeps the generated workspace between invocations).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.api import SPEC, make_images
from tests.serverproc import ServerProcess

ADMIN_PASSWORD = "bench-admin-password"
USER_PASSWORD = "bench-annotator-pw"
CONFIGS = {
    "w1-off": (["--workers", "1"], {"PIXANO_GROUP_COMMIT": "0"}),
    "w1-on": (["--workers", "1"], {"PIXANO_GROUP_COMMIT": "1"}),
    "wD-off": ([], {"PIXANO_GROUP_COMMIT": "0"}),
    "wD-on": ([], {"PIXANO_GROUP_COMMIT": "1"}),
}


@dataclass
class Figures:
    cycles: int = 0
    latencies: list[float] = field(default_factory=list)
    #: The same latencies by request: claim, save, submit (where a tail comes from).
    by_request: dict[str, list[float]] = field(
        default_factory=lambda: {"claim": [], "save": [], "submit": []})
    errors: int = 0


class Annotator:
    def __init__(self, base: str) -> None:
        self.base = f"{base}/api/v1"
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                             connector=aiohttp.TCPConnector(limit=1))

    async def call(self, method: str, path: str, expect: int, body: object = None) -> object:
        async with self.session.request(method, self.base + path, json=body) as response:
            data = await response.read()
            if response.status != expect:
                raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
            return await response.json() if data else None

    async def login(self, username: str, password: str) -> "Annotator":
        await self.call("POST", "/login", 200, {"username": username, "password": password})
        return self

    async def cycle(self, task: str, figures: Figures, record: bool) -> None:
        t0 = time.perf_counter()
        job = await self.call("GET", f"/tasks/{task}/jobs/next?objective=to_annotate", 200)
        t1 = time.perf_counter()
        if not job:
            raise RuntimeError(f"task {task} has no item left: use more --items")
        data_id = job["data_id"]  # type: ignore[index]
        await self.call("PUT", f"/tasks/{task}/labels/{data_id}", 204, {
            "task_name": task, "data_id": data_id,
            "annotations": [{"id": "a", "category": "car", "geometry": {"vertices": [0, 0, 1, 1]}}]})
        t2 = time.perf_counter()
        await self.call("PUT", f"/tasks/{task}/jobs/{job['id']}", 204,  # type: ignore[index]
                        {"objective": "to_validate"})
        t3 = time.perf_counter()
        if record:
            figures.cycles += 1
            figures.latencies += [t1 - t0, t2 - t1, t3 - t2]
            for kind, seconds in zip(figures.by_request, (t1 - t0, t2 - t1, t3 - t2), strict=True):
                figures.by_request[kind].append(seconds)

    async def close(self) -> None:
        await self.session.close()


async def scrape(base: str) -> dict[str, float]:
    """The store's commit counters from /metrics (empty when the server has none)."""
    wanted = ("pixano_store_commits_total", "pixano_store_acknowledged_writes_total")
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/metrics") as response:
            if response.status != 200:
                return {}
            text = await response.text()
    return {line.split()[0]: float(line.split()[1]) for line in text.splitlines()
            if line.split(" ")[0] in wanted}


async def drive(annotators: list[Annotator], task: str, duration: float) -> tuple[Figures, float]:
    figures = Figures()
    started = time.perf_counter()
    record_from, stop_at = started + 1.0, started + 1.0 + duration

    async def loop(annotator: Annotator) -> None:
        while (now := time.perf_counter()) < stop_at:
            try:
                await annotator.cycle(task, figures, record=now >= record_from)
            except RuntimeError:
                figures.errors += 1
                raise

    await asyncio.gather(*(loop(a) for a in annotators))
    return figures, duration


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def run_config(name: str, workspace: Path, flags: list[str], env: dict[str, str],
                     clients: list[int], duration: float, task: str,
                     baseline: Path | None) -> dict[int, dict[str, float]]:
    full_env = {"PIXANO_ADMIN_PASSWORD": ADMIN_PASSWORD, "MONGODB_URI": "", "PIXANO_METRICS": "open",
                **env}
    if baseline is not None:
        full_env["PYTHONPATH"] = str(baseline)
    server = ServerProcess(workspace, *flags, env=full_env, cwd=baseline)
    results: dict[int, dict[str, float]] = {}
    try:
        server.wait_ready(timeout=300)
        admin = await Annotator(server.url).login("admin", ADMIN_PASSWORD)
        await admin.call("POST", "/tasks", 201, {"name": task, "spec": SPEC,
                                                 "dataset": {"path": "images", "data_type": "image"}})
        annotators = [Annotator(server.url) for _ in range(max(clients))]
        await asyncio.gather(*(a.login(f"ann{i:03d}", USER_PASSWORD)
                               for i, a in enumerate(annotators)))
        for count in clients:
            before = await scrape(server.url)
            figures, seconds = await drive(annotators[:count], task, duration)
            after = await scrape(server.url)
            commits = (after.get("pixano_store_commits_total", 0)
                       - before.get("pixano_store_commits_total", 0))
            acked = (after.get("pixano_store_acknowledged_writes_total", 0)
                     - before.get("pixano_store_acknowledged_writes_total", 0))
            p50 = statistics.median(figures.latencies) * 1000
            p99 = percentile(figures.latencies, 0.99) * 1000
            results[count] = {"cycles/s": figures.cycles / seconds, "p50 ms": p50, "p99 ms": p99,
                              "commits/ack": commits / acked if acked else float("nan")}
            print(f"  {name:7s} N={count:3d}: {figures.cycles / seconds:7.1f} cycles/s  "
                  f"p50 {p50:6.2f} ms  p99 {p99:7.2f} ms  p99/p50 {p99 / p50:5.2f}  "
                  f"commits/ack {results[count]['commits/ack']:.3f}", flush=True)
            print("            p50/p99 ms by request: " + "  ".join(
                f"{kind} {statistics.median(values) * 1000:.1f}/{percentile(values, 0.99) * 1000:.1f}"
                for kind, values in figures.by_request.items()), flush=True)
        await asyncio.gather(admin.close(), *(a.close() for a in annotators))
    finally:
        output = server.stop()
        if "Traceback" in output:
            print(output[-3000:])
    return results


async def prepare(workspace: Path, items: int, annotators: int) -> None:
    """Images, the dataset (ingested once, by a throw-away task) and the annotators."""
    marker = workspace / f".bench-load-{items}-{annotators}"
    if marker.exists():
        return
    ingested = workspace / f".bench-load-{items}"
    if not ingested.exists():
        print(f"generating {items} images ...", flush=True)
        make_images(workspace / "images", items, (320, 240))
    server = ServerProcess(workspace, env={"PIXANO_ADMIN_PASSWORD": ADMIN_PASSWORD, "MONGODB_URI": ""})
    try:
        server.wait_ready(timeout=120)
        admin = await Annotator(server.url).login("admin", ADMIN_PASSWORD)
        if not ingested.exists():
            started = time.perf_counter()
            await admin.call("POST", "/tasks", 201, {
                "name": "ingest", "spec": SPEC, "dataset": {"path": "images", "data_type": "image"}})
            print(f"  ingested in {time.perf_counter() - started:.1f} s", flush=True)
            ingested.write_text("ready\n")
        print(f"creating {annotators} annotators ...", flush=True)

        async def user(index: int) -> None:
            async with admin.session.post(f"{admin.base}/users", json={
                    "username": f"ann{index:03d}", "password": USER_PASSWORD, "role": "user",
                    "preferences": {}}) as response:
                assert response.status in (201, 400), await response.text()  # 400: exists

        for start in range(0, annotators, 10):
            await asyncio.gather(*(user(i) for i in range(start, min(annotators, start + 10))))
        await admin.close()
    finally:
        server.stop()
    marker.write_text("ready\n")


async def main_async(args: argparse.Namespace) -> None:
    clients = [int(c) for c in args.clients.split(",")]
    configs = args.configs.split(",")
    baseline = Path(args.baseline).resolve() if args.baseline else None
    if baseline is not None and "today" not in configs:
        configs.insert(0, "today")
    workspace = Path(args.workspace) if args.workspace else Path(tempfile.mkdtemp(prefix="bench-load-"))
    workspace.mkdir(parents=True, exist_ok=True)
    await prepare(workspace, args.items, max(clients))
    print(f"load: {args.items} items, {args.duration:.0f} s per run, clients {clients}, "
          f"cores {len(os.sched_getaffinity(0))}, load average {os.getloadavg()[0]:.2f}", flush=True)
    table: dict[str, list[dict[int, dict[str, float]]]] = {c: [] for c in configs}
    for repeat in range(args.repeat):
        for name in configs:
            flags, env = CONFIGS.get(name, ([], {}))
            task = f"load_{name.replace('-', '_')}_{repeat}_{int(time.time())}"
            table[name].append(await run_config(
                name, workspace, flags if name != "today" else [], env, clients, args.duration,
                task, baseline if name == "today" else None))
    print(f"\nmedians of {args.repeat} run(s); load average now {os.getloadavg()[0]:.2f}")
    medians: dict[str, dict[int, dict[str, float]]] = {}
    for name, runs in table.items():
        medians[name] = {n: {k: statistics.median(r[n][k] for r in runs) for k in runs[0][n]}
                         for n in clients}
        for n in clients:
            m = medians[name][n]
            print(f"  {name:7s} N={n:3d}: {m['cycles/s']:7.1f} cycles/s  p50 {m['p50 ms']:6.2f} ms"
                  f"  p99 {m['p99 ms']:7.2f} ms  commits/ack {m['commits/ack']:.3f}")
    if "wD-on" in medians and 30 in clients:
        d = medians["wD-on"]
        print("\ntargets at N = 30 (defaults):")
        if 1 in clients:
            print(f"  cycles/s vs N = 1: {d[30]['cycles/s'] / d[1]['cycles/s']:.2f}x (>= 1.6)")
        if "w1-off" in medians:
            print(f"  cycles/s vs w1-off: {d[30]['cycles/s'] / medians['w1-off'][30]['cycles/s']:.2f}x"
                  " (>= 2)")
        print(f"  commits per acknowledged write: {d[30]['commits/ack']:.3f} (<= 0.25)")
        print(f"  p99 / p50: {d[30]['p99 ms'] / d[30]['p50 ms']:.2f} (<= 5)")
        if "today" in medians and 1 in clients:
            print(f"  N = 1 vs today: {d[1]['cycles/s'] / medians['today'][1]['cycles/s']:.2f}x"
                  " (0.9-1.1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--clients", default="1,10,30,100")
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--configs", default="w1-off,w1-on,wD-off,wD-on")
    parser.add_argument("--baseline", default=None,
                        help="a checkout whose server is measured as 'today' (e.g. /work/main)")
    parser.add_argument("--workspace", default=None)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()

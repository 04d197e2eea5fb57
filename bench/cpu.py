"""Server CPU per request (issue 16): µs of CPU the server spends on each hot request.

Wall time on a shared machine moves with everyone else's load; the CPU the server process itself
burns per request moves far less, and it is what "less CPU per request" is about. The real server
runs as a subprocess (`pixano-graph serve --workers 1`, embedded engine, defaults otherwise) on
a task of `--items` hard-linked 64x48 JPEGs; the client (this process) sends, phase by phase,
`--annotators` requests of one kind in a row (each annotator its own session: claims, then the
saves, then the submits), and the server's CPU over the phase is read from
`/proc/<pid>/task/*/schedstat` (nanoseconds on a CPU, every thread: event loop, writer, readers),
less what the idle server burns in the same time (measured for 2 s before the phases).

Phases, each `--rounds` times (with `--baseline`, each phase runs on both servers back to back,
their order swapped every round, so both see the same load of a shared machine):
  REST claim (GET jobs/next), REST save (PUT labels/{id}), REST submit (PUT jobs/{id});
  GraphQL nextJob, saveLabels, submitJob (the same three steps, lean selections);
  REST results page (10 with thumbnails) and the GraphQL results connection (first 10, thumbnail).

Printed: per phase, the median over rounds and server starts (`--repeat`) of µs of server CPU
per request, of which on the event loop's thread; with a baseline, the median of the paired
ratios (this / baseline, phase by phase). Run:
`.venv/bin/python -m bench.cpu` (`--baseline /work/main` runs another checkout's server too).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.api import ADMIN_PASSWORD, SPEC, Api, make_images
from tests.serverproc import ServerProcess

USER_PASSWORD = "bench-cpu-annotator"
TASK = "cpu"

NEXT_JOB = """mutation($t: String!) { nextJob(input: {taskName: $t, objective: ANNOTATE}) {
  job { id jobId dataId } } }"""
SAVE = """mutation($t: String!, $d: ID!, $a: JSON!) {
  saveLabels(input: {taskName: $t, dataId: $d, annotations: $a}) { labels { id } } }"""
SUBMIT = """mutation($j: ID!) { submitJob(input: {jobId: $j, status: TO_VALIDATE}) {
  job { id } result { id status } } }"""
RESULTS = """query($t: String!) {
  results(taskName: $t, filter: {status: [TO_ANNOTATE]}, first: 10) {
    totalCount nodes { dataId status thumbnail } pageInfo { endCursor } } }"""
ANNOTATIONS = [{"id": "a", "category": "car", "geometry": {"vertices": [0, 0, 1, 1]}}]


def cpu_ns(pid: int) -> int:
    """Nanoseconds on a CPU so far, summed over the process's live threads."""
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[int, int]:
    """Nanoseconds on a CPU so far: the main thread (the event loop), the other threads (the
    database writer and readers)."""
    loop = others = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            spent = int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError):
            continue  # a thread that ended meanwhile
        if task.name == str(pid):
            loop += spent
        else:
            others += spent
    return loop, others


async def idle_rate(pid: int, seconds: float = 2.0) -> float:
    """The server's CPU per second of wall time while nobody calls it (the live event bus's
    poll, timers): subtracted from each phase in proportion to its duration."""
    before, started = cpu_ns(pid), time.perf_counter()
    await asyncio.sleep(seconds)
    return (cpu_ns(pid) - before) / (time.perf_counter() - started)


class Phases:
    """µs of server CPU per request, one sample per (phase, round)."""

    def __init__(self, pid: int, idle_ns_per_s: float) -> None:
        self.pid = pid
        self.idle = idle_ns_per_s
        self.samples: dict[str, list[float]] = {}
        self.loop: dict[str, list[float]] = {}  # of which on the event loop's thread

    async def measure(self, name: str, calls: list[Callable[[], Awaitable[object]]]) -> list[object]:
        await asyncio.sleep(0.05)  # let the server finish what the previous phase left
        before, started = cpu_split(self.pid), time.perf_counter()
        answers = [await call() for call in calls]
        await asyncio.sleep(0.02)  # the writer's last acknowledgements
        after = cpu_split(self.pid)
        loop, others = after[0] - before[0], after[1] - before[1]
        spent = loop + others - self.idle * (time.perf_counter() - started)
        self.samples.setdefault(name, []).append(spent / len(calls) / 1000)
        self.loop.setdefault(name, []).append(loop / len(calls) / 1000)
        return answers


PHASES = ("REST claim", "REST save labels", "REST submit", "GraphQL nextJob",
          "GraphQL saveLabels", "GraphQL submitJob", "REST results page", "GraphQL results")


class Harness:
    """One server under measurement (this checkout's, or `checkout`'s): its process, its admin
    and annotators, the jobs they hold between phases, and its samples."""

    def __init__(self, label: str, workspace: Path, checkout: Path | None,
                 args: argparse.Namespace) -> None:
        self.label, self.args, self.checkout = label, args, checkout
        env = {"PIXANO_ADMIN_PASSWORD": ADMIN_PASSWORD, "MONGODB_URI": ""}
        if checkout is not None:
            env["PYTHONPATH"] = str(checkout)
        self.profiled = bool(args.profile) and checkout is None
        if self.profiled:
            env["PIXANO_PROFILE_OUT"] = args.profile
        self.server = ServerProcess(workspace, "--workers", "1", env=env, cwd=checkout,
                                    module="bench.profiled_serve" if self.profiled else "graph.cli")
        self.jobs: list[Any] = []
        self.spy: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        self.server.wait_ready(timeout=120)
        self.admin = Api(self.server.url)
        await self.admin.login("admin", ADMIN_PASSWORD)
        await self.admin.rest("POST", "/tasks", expect=201, json={
            "name": TASK, "spec": SPEC, "dataset": {"path": "images", "data_type": "image"}})
        self.users = [Api(self.server.url) for _ in range(self.args.annotators)]
        for index, user in enumerate(self.users):
            name = f"cpu{index:03d}"
            await self.admin.rest("POST", "/users", expect=201, json={
                "username": name, "password": USER_PASSWORD, "role": "user"})
            await user.login(name, USER_PASSWORD)
        pid = self.server.process.pid
        self.phases = Phases(pid, await idle_rate(pid))
        self.warming = Phases(pid, self.phases.idle)

    def recording(self) -> None:
        """From now on samples count (the first round warmed caches: documents, statements)."""
        self.warming = self.phases
        if self.profiled:
            self.server.process.send_signal(signal.SIGUSR1)
        if self.args.py_spy and self.checkout is None:
            self.spy = subprocess.Popen([_py_spy(), "record", "--pid", str(self.server.process.pid),
                                         "--format", "raw", "--rate", "2000", "--threads",
                                         "--nonblocking", "-o", self.args.py_spy],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def phase(self, name: str) -> None:
        base, users, measure = f"/tasks/{TASK}", self.users, self.warming.measure
        if name == "REST claim":
            self.jobs = await measure(name, [
                (lambda u=u: u.rest("GET", f"{base}/jobs/next?objective=to_annotate"))
                for u in users])
        elif name == "REST save labels":
            await measure(name, [
                (lambda u=u, j=j: u.rest("PUT", f"{base}/labels/{j['data_id']}", expect=204, json={
                    "task_name": TASK, "data_id": j["data_id"], "annotations": ANNOTATIONS}))
                for u, j in zip(users, self.jobs, strict=True)])
        elif name == "REST submit":
            await measure(name, [
                (lambda u=u, j=j: u.rest("PUT", f"{base}/jobs/{j['id']}", expect=204,
                                         json={"objective": "to_validate"}))
                for u, j in zip(users, self.jobs, strict=True)])
        elif name == "GraphQL nextJob":
            answers = await measure(name, [(lambda u=u: u.gql(NEXT_JOB, {"t": TASK})) for u in users])
            self.jobs = [a["nextJob"]["job"] for a in answers]  # type: ignore[index]
        elif name == "GraphQL saveLabels":
            await measure(name, [
                (lambda u=u, j=j: u.gql(SAVE, {"t": TASK, "d": j["dataId"], "a": ANNOTATIONS}))
                for u, j in zip(users, self.jobs, strict=True)])
        elif name == "GraphQL submitJob":
            await measure(name, [(lambda u=u, j=j: u.gql(SUBMIT, {"j": j["id"]}))
                                 for u, j in zip(users, self.jobs, strict=True)])
        elif name == "REST results page":
            await measure(name, [
                (lambda: self.admin.rest("GET", f"{base}/results?page=1&count=10&status=to_annotate"))
                for _ in users])
        else:
            await measure(name, [(lambda: self.admin.gql(RESULTS, {"t": TASK})) for _ in users])

    async def stop(self) -> None:
        try:
            if self.profiled:
                self.server.process.send_signal(signal.SIGUSR2)
                await asyncio.sleep(1.0)
            if self.spy is not None:
                self.spy.send_signal(signal.SIGINT)  # py-spy writes its file on an interrupt
                self.spy.wait(timeout=30)
            await asyncio.gather(self.admin.close(), *(u.close() for u in self.users))
        finally:
            output = self.server.stop()
            if "Traceback" in output:
                print(output[-3000:])


async def one_run(workspace: Path, args: argparse.Namespace,
                  servers: list[tuple[str, Path | None]], repeat: int) -> list[Harness]:
    """Every server started side by side; each phase of each round runs on one server right
    after the other (their order swapped every round), so a change of the machine's load
    between phases hits them alike."""
    harnesses = [Harness(label, _fresh(workspace, f"{label}{repeat}"), checkout, args)
                 for label, checkout in servers]
    try:
        for harness in harnesses:
            await harness.start()
        for round_ in range(args.rounds + 1):
            if round_ == 1:
                for harness in harnesses:
                    harness.recording()
            order = harnesses if round_ % 2 == 0 else harnesses[::-1]
            for name in PHASES:
                for harness in order:
                    await harness.phase(name)
    finally:
        for harness in harnesses:
            await harness.stop()
    return harnesses


async def main_async(args: argparse.Namespace) -> None:
    workspace = Path(args.workspace) if args.workspace else Path(tempfile.mkdtemp(prefix="bench-cpu-"))
    if not (workspace / "images").exists():
        make_images(workspace / "images", args.items, (64, 48))
    servers: list[tuple[str, Path | None]] = [("this", None)]
    if args.baseline:
        servers.insert(0, ("baseline", Path(args.baseline).resolve()))
    print(f"cpu: {args.items} items, {args.annotators} requests per phase, {args.rounds} rounds "
          f"x {args.repeat} server start(s), load average {os.getloadavg()[0]:.2f}", flush=True)
    samples: dict[str, dict[str, list[float]]] = {label: {} for label, _ in servers}
    loops: dict[str, dict[str, list[float]]] = {label: {} for label, _ in servers}
    for repeat in range(args.repeat):
        for harness in await one_run(workspace, args, servers, repeat):
            for name, values in harness.phases.samples.items():
                samples[harness.label].setdefault(name, []).extend(values)
                loops[harness.label].setdefault(name, []).extend(harness.phases.loop[name])
        print(f"  run {repeat + 1} done, load average {os.getloadavg()[0]:.2f}", flush=True)
    print(f"\nµs of server CPU per request over {args.rounds * args.repeat} phases of "
          f"{args.annotators} requests: median (the event loop's thread) and mean (rare costs "
          f"such as a full garbage collection show there); load average now "
          f"{os.getloadavg()[0]:.2f}")
    print(f"{'request':20}" + "".join(f"{label + ': median (loop)  mean':>32}" for label, _ in servers)
          + ("  paired ratio: median  mean" if len(servers) == 2 else ""))
    for name in PHASES:
        line = f"{name:20}"
        for label, _ in servers:
            values = samples[label][name]
            line += (f"{statistics.median(values):16.0f} ({statistics.median(loops[label][name]):5.0f})"
                     f"{statistics.fmean(values):9.0f}")
        if len(servers) == 2:
            base, this = (samples[label][name] for label, _ in servers)
            line += (f"  {statistics.median(t / b for b, t in zip(base, this, strict=True)):19.2f}"
                     f"  {statistics.fmean(this) / statistics.fmean(base):5.2f}")
        print(line)


def _py_spy() -> str:
    """py-spy beside this interpreter (installed in the virtualenv by hand), else on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else (shutil.which("py-spy") or "py-spy")


def _fresh(workspace: Path, name: str) -> Path:
    """A workspace per server start (its own database), sharing the generated images."""
    target = workspace / "runs" / name
    target.mkdir(parents=True, exist_ok=True)
    images = target / "images"
    if not images.exists():
        images.mkdir()
        for source in (workspace / "images").iterdir():
            os.link(source, images / source.name)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--baseline", default=None, help="another checkout to measure alongside")
    parser.add_argument("--workspace", default=None)
    parser.add_argument("--profile", default=None, metavar="FILE",
                        help="profile the server's event loop by CPU time (bench/profiled_serve.py) "
                             "during the recorded rounds; pstats to FILE (the last run's)")
    parser.add_argument("--py-spy", default=None, metavar="FILE",
                        help="sample the server with py-spy (on PATH) during the recorded rounds "
                             "of each run; collapsed stacks to FILE (the profile, not the figures)")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()

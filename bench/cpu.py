"""Server CPU per request (issue 16): µs of CPU the server spends on each hot request.

Wall time on a shared machine moves with everyone else's load; the CPU the server process itself
burns per request moves far less, and it is what "less CPU per request" is about. The real server
runs as a subprocess (`pixano-graph serve --workers 1`, embedded engine, defaults otherwise) on
a task of `--items` hard-linked 64x48 JPEGs; the client (this process) sends, phase by phase,
`--annotators` requests of one kind in a row (each annotator its own session: claims, then the
saves, then the submits), and the server's CPU over the phase is read from
`/proc/<pid>/task/*/schedstat` (nanoseconds on a CPU, every thread: event loop, writer, readers),
less what the idle server burns in the same time (measured for 2 s before the phases).

Phases, each `--rounds` times:
  REST claim (GET jobs/next), REST save (PUT labels/{id}), REST submit (PUT jobs/{id});
  GraphQL nextJob, saveLabels, submitJob (the same three steps, lean selections);
  REST results page (10 with thumbnails) and the GraphQL results connection (first 10, thumbnail).

Printed: per phase, the median over rounds of µs of server CPU per request (min and max beside),
and the whole run's median over `--repeat` server starts. Run:
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


async def one_server(workspace: Path, args: argparse.Namespace, baseline: Path | None) -> dict[str, float]:
    env = {"PIXANO_ADMIN_PASSWORD": ADMIN_PASSWORD, "MONGODB_URI": ""}
    if baseline is not None:
        env["PYTHONPATH"] = str(baseline)
    if args.profile and baseline is None:
        env["PIXANO_PROFILE_OUT"] = args.profile
    server = ServerProcess(workspace, "--workers", "1", env=env, cwd=baseline,
                           module="bench.profiled_serve" if args.profile else "graph.cli")
    try:
        server.wait_ready(timeout=120)
        admin = Api(server.url)
        await admin.login("admin", ADMIN_PASSWORD)
        await admin.rest("POST", "/tasks", expect=201, json={
            "name": TASK, "spec": SPEC, "dataset": {"path": "images", "data_type": "image"}})
        users = [Api(server.url) for _ in range(args.annotators)]
        for index, user in enumerate(users):
            name = f"cpu{index:03d}"
            await admin.rest("POST", "/users", expect=201, json={
                "username": name, "password": USER_PASSWORD, "role": "user"})
            await user.login(name, USER_PASSWORD)
        idle = await idle_rate(server.process.pid)
        phases = Phases(server.process.pid, idle)
        base = f"/tasks/{TASK}"
        spy: subprocess.Popen[bytes] | None = None
        for round_ in range(args.rounds + 1):
            record = round_ > 0  # the first round warms caches (documents, statements, pages)
            target = phases if record else Phases(server.process.pid, idle)
            if round_ == 1 and args.profile and baseline is None:
                server.process.send_signal(signal.SIGUSR1)
            if round_ == 1 and args.py_spy:
                spy = subprocess.Popen([_py_spy(), "record", "--pid", str(server.process.pid),
                                        "--format", "raw", "--rate", "2000", "--threads",
                                        "--nonblocking", "-o", args.py_spy],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                await asyncio.sleep(1.0)
            jobs = await target.measure("REST claim", [
                (lambda u=u: u.rest("GET", f"{base}/jobs/next?objective=to_annotate")) for u in users])
            await target.measure("REST save labels", [
                (lambda u=u, j=j: u.rest("PUT", f"{base}/labels/{j['data_id']}", expect=204, json={
                    "task_name": TASK, "data_id": j["data_id"], "annotations": ANNOTATIONS}))
                for u, j in zip(users, jobs, strict=True)])
            await target.measure("REST submit", [
                (lambda u=u, j=j: u.rest("PUT", f"{base}/jobs/{j['id']}", expect=204,
                                         json={"objective": "to_validate"}))
                for u, j in zip(users, jobs, strict=True)])
            answers = await target.measure("GraphQL nextJob", [
                (lambda u=u: u.gql(NEXT_JOB, {"t": TASK})) for u in users])
            gjobs = [a["nextJob"]["job"] for a in answers]  # type: ignore[index]
            await target.measure("GraphQL saveLabels", [
                (lambda u=u, j=j: u.gql(SAVE, {"t": TASK, "d": j["dataId"], "a": ANNOTATIONS}))
                for u, j in zip(users, gjobs, strict=True)])
            await target.measure("GraphQL submitJob", [
                (lambda u=u, j=j: u.gql(SUBMIT, {"j": j["id"]})) for u, j in zip(users, gjobs, strict=True)])
            await target.measure("REST results page", [
                (lambda: admin.rest("GET", f"{base}/results?page=1&count=10&status=to_annotate"))
                for _ in users])
            await target.measure("GraphQL results", [
                (lambda: admin.gql(RESULTS, {"t": TASK})) for _ in users])
        if args.profile and baseline is None:
            server.process.send_signal(signal.SIGUSR2)
            await asyncio.sleep(1.0)
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file on an interrupt
            spy.wait(timeout=30)
        await asyncio.gather(admin.close(), *(u.close() for u in users))
    finally:
        output = server.stop()
        if "Traceback" in output:
            print(output[-3000:])
    figures = {name: statistics.median(values) for name, values in phases.samples.items()}
    figures.update({f"{name} [loop]": statistics.median(values)
                    for name, values in phases.loop.items()})
    return figures


async def main_async(args: argparse.Namespace) -> None:
    workspace = Path(args.workspace) if args.workspace else Path(tempfile.mkdtemp(prefix="bench-cpu-"))
    if not (workspace / "images").exists():
        make_images(workspace / "images", args.items, (64, 48))
    servers: list[tuple[str, Path | None]] = [("this", None)]
    if args.baseline:
        servers.insert(0, ("baseline", Path(args.baseline).resolve()))
    runs: dict[str, list[dict[str, float]]] = {label: [] for label, _ in servers}
    print(f"cpu: {args.items} items, {args.annotators} requests per phase, {args.rounds} rounds, "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    for repeat in range(args.repeat):
        for label, checkout in servers:  # alternating, so both see the same load
            figures = await one_server(_fresh(workspace, f"{label}{repeat}"), args, checkout)
            runs[label].append(figures)
            print(f"  run {repeat + 1} {label:8s} " + "  ".join(
                f"{name} {value:.0f}" for name, value in figures.items()
                if not name.endswith("[loop]")), flush=True)
    print(f"\nµs of server CPU per request, median of {args.repeat} run(s) (each the median of "
          f"{args.rounds} rounds); load average now {os.getloadavg()[0]:.2f}")
    names = [n for n in runs[servers[-1][0]][0] if not n.endswith("[loop]")]
    print(f"{'request':22}" + "".join(f"{label + ' (loop)':>20}" for label, _ in servers)
          + ("   ratio" if len(servers) == 2 else ""))
    for name in names:
        cells = [(statistics.median(r[name] for r in runs[label]),
                  statistics.median(r[f"{name} [loop]"] for r in runs[label])) for label, _ in servers]
        line = f"{name:22}" + "".join(f"{total:12.0f} ({loop:5.0f})" for total, loop in cells)
        if len(cells) == 2:
            line += f"  {cells[1][0] / cells[0][0]:6.2f}"
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
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
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

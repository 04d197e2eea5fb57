"""Live updates under load (issue 14): 200 subscribers on one task while 20 annotators submit.

The server runs as its own process (`pixano-graph serve`, embedded engine), the clients in this
one. 20 annotators loop claim → save labels → submit for a few seconds, first with nobody
subscribed, then with `--progress` sockets subscribed to `taskProgress` and `--rows` sockets to
`resultChanged` on the same task (alternating, `--rounds` times each). Printed:

- submit (`submitJob` to TO_VALIDATE) median and p99, without and with the subscribers, and
  their ratio (the subscribers' cost to the request path; target ≤ 1.2x);
- submit → message latency (median, p99), from the moment the submit request is sent: exact on
  the `resultChanged` sockets (the message showing that item TO_VALIDATE); on the `taskProgress`
  sockets, the first message, after the submit was sent, counting at least as many submitted
  items as had been sent by then (it includes the coalescing wait, `live_progress_interval`);
- messages received per second.

Run: `.venv/bin/python -m bench.live` (`--seconds 3` for a quicker run).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from PIL import Image

ADMIN_PASSWORD = "bench-admin-password"
USER_PASSWORD = "bench-user-password"
LOGIN = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }"
CREATE_USER = """mutation($u: String!, $p: String!) {
  createUser(input: {username: $u, password: $p}) { user { username } } }"""
CREATE_TASK = """mutation { createTask(input: {name: "live", dataset: {path: "images/"},
  spec: {pluginName: "rectangle", dataType: IMAGE,
         labelSchema: {category: [{name: "car", color: "green"}], default: "car"}}}) {
  task { name } } }"""
NEXT_JOB = """mutation { nextJob(input: {taskName: "live", objective: ANNOTATE}) {
  job { id dataId } } }"""
SAVE = """mutation($d: ID!, $a: JSON!) { saveLabels(input: {taskName: "live", dataId: $d,
  annotations: $a}) { labels { dataId } } }"""
SUBMIT = """mutation($j: ID!) { submitJob(input: {jobId: $j, status: TO_VALIDATE}) {
  job { jobId } } }"""
PROGRESS = """subscription { taskProgress(taskName: "live") {
  statusCounts { toValidate } labelTotals { objectCount } } }"""
ROWS = """subscription { resultChanged(taskName: "live") { dataId result { status } } }"""
ANNOTATIONS = [{"id": str(i), "category": "car"} for i in range(5)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def describe(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    return (f"median {statistics.median(samples):7.2f} ms   p99 {percentile(samples, 0.99):7.2f} ms"
            f"   (n={len(samples)})")


class Api:
    def __init__(self, session: aiohttp.ClientSession, url: str, token: str = "") -> None:
        self.session, self.url, self.token = session, url, token

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.session.post(f"{self.url}/graphql", headers=headers,
                                     json={"query": query, "variables": variables or {}}) as r:
            body = await r.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]

    async def login(self, username: str, password: str) -> "Api":
        token = (await self.gql(LOGIN, {"u": username, "p": password}))["login"]["token"]
        return Api(self.session, self.url, token)


class Subscriber:
    """One socket with one subscription, recording (arrival time, payload) of each message."""

    def __init__(self) -> None:
        self.messages: list[tuple[float, dict[str, Any]]] = []
        self.ready = asyncio.Event()

    async def run(self, session: aiohttp.ClientSession, url: str, token: str, query: str,
                  stop: asyncio.Event) -> None:
        async with session.ws_connect(f"{url}/graphql", protocols=("graphql-transport-ws",)) as ws:
            await ws.send_json({"type": "connection_init", "payload": {"token": token}})
            ack = await ws.receive()
            if ack.type != aiohttp.WSMsgType.TEXT:
                raise RuntimeError(f"subscriber refused: {ws.close_code} {ack.extra}")
            await ws.send_json({"type": "subscribe", "id": "1", "payload": {"query": query}})
            await ws.send_json({"type": "ping"})
            while not stop.is_set():
                try:
                    message = await asyncio.wait_for(ws.receive(), 0.5)
                except asyncio.TimeoutError:
                    continue
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                data = json.loads(message.data)
                if data["type"] == "pong":
                    self.ready.set()
                elif data["type"] == "next":
                    self.messages.append((time.perf_counter(), data["payload"]["data"]))


async def annotate(api: Api, stop: asyncio.Event, submits: list[float],
                   acks: list[tuple[float, str]]) -> None:
    while not stop.is_set():
        job = (await api.gql(NEXT_JOB))["nextJob"]["job"]
        if job is None:
            return
        await api.gql(SAVE, {"d": job["dataId"], "a": ANNOTATIONS})
        started = time.perf_counter()
        await api.gql(SUBMIT, {"j": job["id"]})
        done = time.perf_counter()
        submits.append((done - started) * 1000)
        acks.append((started, job["dataId"]))


async def phase(session: aiohttp.ClientSession, url: str, annotators: list[Api], admin: Api,
                seconds: float, progress: int, rows: int) -> dict[str, Any]:
    stop, sub_stop = asyncio.Event(), asyncio.Event()
    subscribers = [(Subscriber(), PROGRESS) for _ in range(progress)] + \
                  [(Subscriber(), ROWS) for _ in range(rows)]
    tasks = [asyncio.create_task(s.run(session, url, admin.token, q, sub_stop))
             for s, q in subscribers]
    ready = asyncio.ensure_future(asyncio.gather(*(s.ready.wait() for s, _ in subscribers)))
    await asyncio.wait([ready, *tasks], return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:
        if task.done():
            task.result()  # a subscriber that failed to start: say why
            raise RuntimeError("a subscriber's socket closed before it was ready")
    submits: list[float] = []
    acks: list[tuple[float, str]] = []
    started = time.perf_counter()
    workers = [asyncio.create_task(annotate(a, stop, submits, acks)) for a in annotators]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(1.0)  # let the last messages arrive
    sub_stop.set()
    await asyncio.gather(*tasks)
    base = (await admin.gql('query { task(name: "live") { statusCounts { toValidate } } }'))
    return {"submits": submits, "acks": acks, "elapsed": elapsed,
            "subscribers": subscribers, "to_validate": base["task"]["statusCounts"]["toValidate"]}


def row_latencies(result: dict[str, Any]) -> list[float]:
    acked = {data_id: at for at, data_id in result["acks"]}
    out = []
    for subscriber, query in result["subscribers"]:
        if query != ROWS:
            continue
        for at, data in subscriber.messages:
            change = data["resultChanged"]
            sent = acked.pop(change["dataId"], None) if change["result"] and \
                change["result"]["status"] == "TO_VALIDATE" else None
            if sent is not None:
                out.append(max(at - sent, 0.0) * 1000)
        acked = {data_id: at for at, data_id in result["acks"]}
    return out


def progress_latencies(result: dict[str, Any], before: int) -> list[float]:
    acks = sorted(at for at, _ in result["acks"])
    out = []
    for subscriber, query in result["subscribers"]:
        if query != PROGRESS:
            continue
        seen = [(at, data["taskProgress"]["statusCounts"]["toValidate"] - before)
                for at, data in subscriber.messages]
        index = 0
        for rank, acked in enumerate(acks, start=1):
            while index < len(seen) and (seen[index][1] < rank or seen[index][0] < acked):
                index += 1
            if index < len(seen):
                out.append((seen[index][0] - acked) * 1000)
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per phase")
    parser.add_argument("--rounds", type=int, default=2, help="phases of each kind")
    parser.add_argument("--progress", type=int, default=200)
    parser.add_argument("--rows", type=int, default=10)
    parser.add_argument("--annotators", type=int, default=20)
    parser.add_argument("--items", type=int, default=1200,
                        help="images of the task (scanned at start: ~30 ms each here)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        workspace = Path(tmp)
        (workspace / "images").mkdir()
        for i in range(args.items):
            Image.new("RGB", (16, 16), (i % 256, 80, 160)).save(
                workspace / "images" / f"img{i:05d}.jpg")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "serve", str(workspace), "--port", str(port)],
            stdout=sys.stderr if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            # All subscribers use the admin's session: lift the per-user socket limit (20).
            env={**os.environ, "PIXANO_ADMIN_PASSWORD": ADMIN_PASSWORD,
                 "PIXANO_LIVE_MAX_CONNECTIONS_PER_USER": "100000"})
        try:
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as session:
                for _ in range(300):
                    try:
                        async with session.get(f"{url}/healthz") as r:
                            if r.status == 200:
                                break
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.1)
                admin = await Api(session, url).login("admin", ADMIN_PASSWORD)
                await admin.gql(CREATE_TASK)
                annotators = []
                for i in range(args.annotators):
                    await admin.gql(CREATE_USER, {"u": f"annotator{i}", "p": USER_PASSWORD})
                    annotators.append(await Api(session, url).login(f"annotator{i}",
                                                                    USER_PASSWORD))
                await phase(session, url, annotators, admin, 1.0, 0, 0)  # warm up
                without: list[float] = []
                with_subs: list[float] = []
                rows: list[float] = []
                progress: list[float] = []
                messages, seconds = 0, 0.0
                for _ in range(args.rounds):
                    plain = await phase(session, url, annotators, admin, args.seconds, 0, 0)
                    without += plain["submits"]
                    before = plain["to_validate"]
                    loaded = await phase(session, url, annotators, admin, args.seconds,
                                         args.progress, args.rows)
                    with_subs += loaded["submits"]
                    rows += row_latencies(loaded)
                    progress += progress_latencies(loaded, before)
                    messages += sum(len(s.messages) for s, _ in loaded["subscribers"])
                    seconds += loaded["elapsed"] + 1.0
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"{args.annotators} annotators, {args.progress} taskProgress + {args.rows} "
          f"resultChanged subscribers, {args.rounds} x {args.seconds:.0f} s per setting")
    print(f"submit without subscribers   {describe(without)}")
    print(f"submit with subscribers      {describe(with_subs)}")
    ratio = statistics.median(with_subs) / statistics.median(without)
    print(f"ratio of medians             {ratio:.2f}x")
    print(f"submit -> resultChanged      {describe(rows)}")
    print(f"submit -> taskProgress       {describe(progress)}")
    print(f"messages received            {messages / seconds:.0f}/s")


if __name__ == "__main__":
    asyncio.run(main())

"""`serve --workers N`: several real server processes on one port and one SQLite file.

Thirty annotators racing for fewer items through different workers never get the same item;
writes acknowledged by any worker survive SIGKILL of the whole server while many are in flight;
a killed server leaves no worker behind."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.files import make_images
from tests.serverproc import ServerProcess

PASSWORD = "workers-admin-pw"
ENV = {"PIXANO_ADMIN_PASSWORD": PASSWORD, "MONGODB_URI": ""}
SPEC = {"plugin_name": "rectangle", "data_type": "image",
        "label_schema": {"category": [{"name": "car", "color": "green"}], "default": "car"}}


class Client:
    """One legacy client with its own connection (so clients spread over the workers)."""

    def __init__(self, url: str) -> None:
        self.base = f"{url}/api/v1"
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        async with self.session.request(method, self.base + path, json=body) as response:
            text = await response.text()
            return response.status, (await response.json(content_type=None)) if text else None

    async def login(self, username: str, password: str) -> "Client":
        status, body = await self.call("POST", "/login", {"username": username, "password": password})
        assert status == 200, body
        return self

    async def close(self) -> None:
        await self.session.close()


async def team(url: str, count: int, workspace: Path, images: int) -> tuple[Client, list[Client]]:
    """The admin, a task `cars` on `images` new images, and `count` logged-in annotators."""
    make_images(workspace / "images", [f"img{i:03d}.jpg" for i in range(images)])
    admin = await Client(url).login("admin", PASSWORD)
    status, body = await admin.call("POST", "/tasks", {"name": "cars", "spec": SPEC,
                                                       "dataset": {"path": "images"}})
    assert status == 201, body
    names = [f"ann{i:02d}" for i in range(count)]
    for name in names:
        status, body = await admin.call("POST", "/users", {"username": name, "password": "pw-" + name,
                                                           "role": "user", "preferences": {}})
        assert status == 201, body
    annotators = [Client(url) for _ in names]
    await asyncio.gather(*(c.login(n, "pw-" + n) for c, n in zip(annotators, names, strict=True)))
    return admin, annotators


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def worker_pids(server: ServerProcess) -> list[int]:
    return [pid for pid in children(server.process.pid)
            if "forkserver" not in Path(f"/proc/{pid}/cmdline").read_text()]


def descendants(pid: int) -> list[int]:
    """Every process below `pid`: workers, thumbnail forkservers and their pool processes."""
    found, todo = [], children(pid)
    while todo:
        child = todo.pop()
        found.append(child)
        todo += children(child)
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker pids from /proc")
async def test_racing_claimers_across_workers_never_share_an_item(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, "--workers", "3", env=ENV)
    try:
        server.wait_ready()
        assert len(worker_pids(server)) == 3
        admin, annotators = await team(server.url, 30, tmp_path, 20)
        try:
            for _ in range(2):  # twice: the second round races on what the first left
                answers = await asyncio.gather(*(
                    c.call("GET", "/tasks/cars/jobs/next?objective=to_annotate")
                    for c in annotators))
                assert all(status == 200 for status, _ in answers), answers
                jobs = [body for _, body in answers if body]
                assert len(jobs) == 20 and sum(1 for _, body in answers if body == {}) == 10
                assert len({job["data_id"] for job in jobs}) == 20  # never one item twice
                holders = {job["data_id"]: job["assigned_to"] for job in jobs}
                assert len(set(holders.values())) == 20
                # the same holders, asked again, get their own job back: nobody else's
                again = await asyncio.gather(*(
                    c.call("GET", "/tasks/cars/jobs/next?objective=to_annotate")
                    for c in annotators))
                assert {b["data_id"]: b["assigned_to"] for _, b in again if b} == holders
            status, page = await admin.call("GET", "/tasks/cars/results?page=1&count=50")
            assert status == 200
            assert sum(1 for r in page["results"] if r["in_progress"]) == 20
            # /metrics sums every worker's figures (multiprocess mode), whichever answers
            route = 'route="/api/v1/tasks/{task_name}/jobs/next"'
            for _ in range(3):
                async with admin.session.get(f"{server.url}/metrics") as response:
                    assert response.status == 200
                    text = await response.text()
                served = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                             if line.startswith("pixano_http_requests_total{") and route in line)
                assert served == 120  # 2 rounds x 2 asks x 30 annotators, over 3 workers
        finally:
            await asyncio.gather(admin.close(), *(c.close() for c in annotators))
    finally:
        output = server.stop()
    assert "Traceback" not in output and "database is locked" not in output


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker pids from /proc")
async def test_acknowledged_writes_of_concurrent_workers_survive_sigkill(tmp_path: Path) -> None:
    """Ten annotators save labels and submit as fast as they can through two workers (group
    commit on); the whole server is killed mid-flight. Every save and submit that was answered
    is there after a restart."""
    server = ServerProcess(tmp_path, "--workers", "2", env=ENV)
    saved: dict[str, str] = {}  # data_id -> the marker of its last acknowledged save
    submitted: set[str] = set()
    try:
        server.wait_ready()
        pids = worker_pids(server)
        assert len(pids) == 2
        admin, annotators = await team(server.url, 10, tmp_path, 400)
        stop = time.monotonic() + 2.0

        async def annotate(client: Client, who: int) -> None:
            n = 0
            while time.monotonic() < stop:
                status, job = await client.call("GET", "/tasks/cars/jobs/next?objective=to_annotate")
                if status != 200 or not job:
                    return
                marker = f"{who}-{n}"
                n += 1
                status, _ = await client.call("PUT", f"/tasks/cars/labels/{job['data_id']}", {
                    "task_name": "cars", "data_id": job["data_id"],
                    "annotations": [{"id": marker, "category": "car"}]})
                assert status == 204
                saved[job["data_id"]] = marker
                status, _ = await client.call("PUT", f"/tasks/cars/jobs/{job['id']}",
                                              {"objective": "to_validate"})
                assert status == 204
                submitted.add(job["data_id"])

        workers = [asyncio.ensure_future(annotate(c, i)) for i, c in enumerate(annotators)]
        await asyncio.sleep(1.5)
        pids = descendants(server.process.pid)  # the warm thumbnail pools included
        assert len(pids) > 2
        server.kill()  # SIGKILL to the parent; the workers are killed with it, mid-flight
        await asyncio.gather(*workers, return_exceptions=True)
        await asyncio.gather(admin.close(), *(c.close() for c in annotators))
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert not any(Path(f"/proc/{pid}").exists() for pid in pids), "a process outlived the kill"
    finally:
        server.stop()
    assert len(submitted) >= 10, "too few writes to prove anything"

    restarted = ServerProcess(tmp_path, "--workers", "1", env=ENV)
    try:
        restarted.wait_ready()
        admin = await Client(restarted.url).login("admin", PASSWORD)
        try:
            for data_id, marker in saved.items():
                status, label = await admin.call("GET", f"/tasks/cars/labels/{data_id}")
                assert status == 200 and label["annotations"] == [{"id": marker, "category": "car"}]
            statuses = {}
            for number in (1, 2):  # 400 items, pages of at most 200
                status, page = await admin.call(
                    "GET", f"/tasks/cars/results?page={number}&count=200")
                assert status == 200, page
                statuses.update({r["data_id"]: r["status"] for r in page["results"]})
            assert len(statuses) == 400
            assert all(statuses[d] == "to_validate" for d in submitted)
        finally:
            await admin.close()
    finally:
        output = restarted.stop()
    assert "Traceback" not in output


async def _subscribed_socket(admin: Client, url: str) -> aiohttp.ClientWebSocketResponse:
    """A live socket (its own connection, so sockets spread over the workers) listening to the
    progress of `cars`: its first message has arrived."""
    ws = await admin.session.ws_connect(f"{url}/graphql", protocols=("graphql-transport-ws",))
    await ws.send_json({"type": "connection_init", "payload": {}})  # the session cookie
    assert (await ws.receive_json(timeout=10))["type"] == "connection_ack"
    await ws.send_json({"type": "subscribe", "id": "1", "payload": {
        "query": 'subscription { taskProgress(taskName: "cars") { taskName } }'}})
    message = await ws.receive_json(timeout=10)
    assert message["type"] == "next", message
    return ws


async def _listening(admin: Client, url: str) -> float:
    async with admin.session.get(f"{url}/metrics") as response:
        assert response.status == 200
        text = await response.text()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith('pixano_live_subscriptions{kind="taskProgress"}'))


async def test_the_subscriptions_gauge_sums_every_workers_sockets(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, "--workers", "2", env=ENV)
    try:
        server.wait_ready()
        admin, _ = await team(server.url, 0, tmp_path, 2)
        try:
            sockets = [await _subscribed_socket(admin, server.url) for _ in range(8)]
            for _ in range(4):  # whichever worker answers the scrape
                assert await _listening(admin, server.url) == 8
            for ws in sockets:
                await ws.close()
            for _ in range(100):  # each worker ends its subscriptions in their own tasks
                if await _listening(admin, server.url) == 0:
                    break
                await asyncio.sleep(0.05)
            assert await _listening(admin, server.url) == 0
        finally:
            await admin.close()
    finally:
        output = server.stop()
    assert "Traceback" not in output

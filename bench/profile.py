"""Where the CPU of the three hot requests goes: cProfile over claim -> save -> submit cycles.

The whole app runs in this process (aiohttp's test server on a real socket, embedded engine,
group commit on) with one annotator's client in the same event loop; the profile covers both, so
read the server's share by module (graph/, resolvers/, store/, strawberry/, graphql/, aiohttp/).
Prints the top functions by own time and by cumulative time.

Run: `.venv/bin/python -m bench.profile [--items 2000] [--cycles 1500]`.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from bench.api import SPEC, make_images
from graph.app import create_app
from graph.settings import Settings

PASSWORD = "profile-admin-pw"


async def run(items: int, cycles: int, sort: str, top: int) -> None:
    workspace = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    make_images(workspace / "images", items, (320, 240))
    server = TestServer(create_app(Settings(workspace=workspace, admin_password=PASSWORD)))
    await server.start_server()
    base = str(server.make_url("/api/v1"))
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as session:
        async def call(method: str, path: str, body: object = None) -> object:
            async with session.request(method, base + path, json=body) as response:
                data = await response.read()
                assert response.status in (200, 201, 204), (path, response.status, data[:200])
                return await response.json() if data else None

        await call("POST", "/login", {"username": "admin", "password": PASSWORD})
        await call("POST", "/tasks", {"name": "cars", "spec": SPEC,
                                      "dataset": {"path": "images", "data_type": "image"}})

        async def cycle() -> None:
            job = await call("GET", "/tasks/cars/jobs/next?objective=to_annotate")
            await call("PUT", f"/tasks/cars/labels/{job['data_id']}", {  # type: ignore[index]
                "task_name": "cars", "data_id": job["data_id"],  # type: ignore[index]
                "annotations": [{"id": "a", "category": "car"}]})
            await call("PUT", f"/tasks/cars/jobs/{job['id']}",  # type: ignore[index]
                       {"objective": "to_validate"})

        for _ in range(50):
            await cycle()
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(cycles):
            await cycle()
        profiler.disable()
        elapsed = time.perf_counter() - started
    await server.close()
    print(f"{cycles} cycles in {elapsed:.2f} s under the profiler "
          f"({elapsed / cycles / 3 * 1000:.2f} ms per request, client included)")
    stats = pstats.Stats(profiler)
    stats.sort_stats(sort).print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--cycles", type=int, default=1500)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    asyncio.run(run(args.items, args.cycles, args.sort, args.top))


if __name__ == "__main__":
    main()

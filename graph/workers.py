"""`serve --workers N`: N server processes on one port, so every core answers requests.

The parent prepares the store once (creates or migrates it, removes what an interrupted ingest
left, creates the first admin, creates the signing secret), then forks N workers. Each worker
opens its own store connections (`Settings.shared_store`: it knows other processes write the
same file) and listens on the port with `SO_REUSEPORT`, so the kernel spreads new connections
evenly over the workers. Nothing a request relies on lives in one worker's memory: sessions are
signed tokens, users and their revocations are read from the store on every request.

The parent only supervises: SIGTERM or SIGINT is passed on to the workers, and when a worker
dies unexpectedly the others are stopped and the command fails (a supervisor — systemd, a
container runtime — restarts the whole server, which is simpler to reason about than a
half-restarted one). A worker is killed by the kernel if the parent dies (`PR_SET_PDEATHSIG`), so
a killed server leaves no orphan holding the port.

Metrics: `prometheus_client`'s multiprocess mode. The parent points `PROMETHEUS_MULTIPROC_DIR` at
a private temporary folder before any worker imports the client; every worker writes its samples
there and `/metrics`, whichever worker answers, reports the sum over all of them.
"""
from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from types import FrameType
from typing import Any

from graph.settings import Settings
from resolvers.datasets.orphans import die_with_parent
from store import Store

log = logging.getLogger("pixano_graph")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


async def prepare(settings: Settings,
                  hint: Callable[[Store], Awaitable[str | None]]) -> tuple[dict[str, Any], str | None]:
    """What must happen once, before any worker starts (see the module docstring); the store's
    health and `hint(store)`, for the start-up lines."""
    from graph.app import default_store
    from graph.bootstrap import ensure_admin
    from resolvers.auth.tokens import load_or_create_secret

    if not settings.secret:
        load_or_create_secret(settings.state_dir)
    store = default_store(settings)
    await store.open()
    try:
        await ensure_admin(store, settings.admin_password)
        return await store.health(), await hint(store)
    finally:
        await store.close()


def _port_for_workers(host: str, port: int) -> int:
    """The port the workers will share: raises OSError now, with the usual message, when it is
    taken; port 0 becomes one free port chosen here (each worker binding 0 would get its own)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        probe.bind((host, port))
        return int(probe.getsockname()[1])


def _worker(settings: Settings) -> int:
    """In a forked worker: serve until told to stop; the exit code."""
    from aiohttp import web

    from graph.app import create_app
    from graph.heap import freeze_on_startup

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        app = create_app(replace(settings, shared_store=True))
        freeze_on_startup(app)
        web.run_app(app, host=settings.host, port=settings.port, reuse_port=True, print=None,
                    access_log=None, keepalive_timeout=settings.keepalive_timeout)
    except Exception as exc:  # reported by the worker; the parent sees the exit code
        print(f"pixano-graph worker {os.getpid()}: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


def serve_workers(settings: Settings, count: int,
                  announce: Callable[[dict[str, Any], int], str],
                  hint: Callable[[Store], Awaitable[str | None]]) -> int:
    """Run `count` workers until a signal or a worker's death; the command's exit code.
    `announce(health, port)` is the start-up line."""
    metrics_dir = tempfile.mkdtemp(prefix="pixano-graph-metrics-")
    os.environ[MULTIPROC_ENV] = metrics_dir
    try:
        health, message = asyncio.run(prepare(settings, hint))
        settings = replace(settings, port=_port_for_workers(settings.host, settings.port))
        children: set[int] = set()
        for _ in range(count):
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    code = _worker(settings)
                finally:
                    os._exit(code)
            children.add(pid)
        print(f"{announce(health, settings.port)} in {count} worker processes", flush=True)
        if message:
            print(message, flush=True)
        return _supervise(children)
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def _supervise(children: set[int]) -> int:
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = 0
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        children.discard(pid)
        _forget_metrics(pid)
        if not stopping:
            log.error("worker %d ended (%s): stopping the server", pid,
                      f"exit {os.waitstatus_to_exitcode(status)}")
            code = 1
            stop(signal.SIGTERM, None)
    return code


def _forget_metrics(pid: int) -> None:
    """A dead worker's live gauges (queue depth) must not count any more."""
    try:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
    except (ImportError, OSError):
        pass

"""`GET /metrics`: the server's counters in the Prometheus text format (`prometheus_client`).

What is measured:
- `pixano_http_requests_total{route, method, status}` and
  `pixano_http_request_duration_seconds{route}` (a histogram), by route *template* (a REST route
  is named by its table entry, e.g. `/api/v1/tasks/{task_name}/jobs/next`), never by the raw path,
  so the number of series stays fixed.
- `pixano_store_operations_total{kind}`: reads (on the read-only pool), lookups (the session's
  primary-key read on the event loop) and writes, on the embedded engine.
- `pixano_store_commits_total` and `pixano_store_acknowledged_writes_total`: durable COMMITs and
  the writes answered after one; their ratio is what group commit saves (1 without it).
- `pixano_store_pending_writes`: writes waiting for the writer (its queue depth), summed over
  workers.
- `pixano_live_subscriptions{kind}`: subscriptions listening now over the WebSocket door, by
  subscription field (`taskProgress`, `resultChanged`, `myWork`: a fixed set, never an alias),
  summed over workers; counted by the door (`graph/live/socket.py`) from the moment a
  subscription listens to its end (completed, failed, or its socket closed).

The store counts in plain integers (it knows nothing of Prometheus); they are copied into the
Prometheus counters at the end of each request and before each scrape, as deltas.

Access follows `PIXANO_METRICS`: `admin` (default; an admin's session or Bearer token), `open`
(anyone: bind the server to a private address or filter the route in the proxy), `off` (404).

Several workers (`serve --workers N`): `prometheus_client`'s multiprocess mode (see
`graph/workers.py`) — whichever worker answers, the figures are the sums over all workers.
"""
from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge,
                               Histogram, generate_latest)

from graph.jsonbody import json_response
from graph.services import SERVICES
from graph.session import current_user
from store import Store

#: Set by a handler that knows a better route name than aiohttp's resource (the REST dispatcher).
ROUTE = web.RequestKey("metrics_route", str)

REQUESTS = Counter("pixano_http_requests", "HTTP requests answered, by route template, method "
                   "and status", ["route", "method", "status"])
LATENCY = Histogram("pixano_http_request_duration_seconds", "Time to answer a request, by route "
                    "template", ["route"],
                    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                             2.5, 5.0, 10.0))
OPERATIONS = Counter("pixano_store_operations", "Store calls on the embedded engine, by kind",
                     ["kind"])
COMMITS = Counter("pixano_store_commits", "Durable commits made by the embedded engine")
ACKNOWLEDGED = Counter("pixano_store_acknowledged_writes", "Writes acknowledged after a durable "
                       "commit (commits / acknowledged writes < 1 with group commit)")
PENDING = Gauge("pixano_store_pending_writes", "Writes waiting for the writer (queue depth)",
                multiprocess_mode="livesum")
SUBSCRIPTIONS = Gauge("pixano_live_subscriptions", "Subscriptions listening now, by kind (the "
                      "subscription field: taskProgress, resultChanged, myWork)", ["kind"],
                      multiprocess_mode="livesum")

_COUNTERS = {"reads": OPERATIONS.labels("read"), "lookups": OPERATIONS.labels("lookup"),
             "writes": OPERATIONS.labels("write"), "commits": COMMITS,
             "acknowledged": ACKNOWLEDGED}


class StoreCounters:
    """Copies one store's integer counters into the Prometheus ones, as deltas."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._last: dict[str, int] = {}

    def sync(self) -> None:
        counts = self._store.counters()
        if not counts:
            return
        for key, counter in _COUNTERS.items():
            delta = counts.get(key, 0) - self._last.get(key, 0)
            if delta > 0:
                counter.inc(delta)
        self._last = counts
        PENDING.set(counts.get("pending", 0))


STORE_COUNTERS = web.AppKey("store_counters", StoreCounters)


def _route_name(request: web.Request) -> str:
    named = request.get(ROUTE)
    if named:
        return named
    route = request.match_info.route
    resource = route.resource
    return resource.canonical if resource is not None else "unmatched"


_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _series(route: str, method: str, status: int) -> tuple[Any, Any]:
    """The request counter and latency histogram of (route, method, status), looked up in
    prometheus_client once (its `labels()` checks and converts the values on every call)."""
    key = (route, method, status)
    series = _SERIES.get(key)
    if series is None:
        series = _SERIES[key] = (REQUESTS.labels(route, method, str(status)),
                                 LATENCY.labels(route))
    return series


@web.middleware
async def metrics_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        requests, latency = _series(_route_name(request), request.method, status)
        requests.inc()
        latency.observe(time.perf_counter() - started)
        counters = request.app.get(STORE_COUNTERS)
        if counters is not None:
            counters.sync()


def _registry() -> CollectorRegistry:
    """All workers' samples in multiprocess mode, this process's otherwise."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def _problem(status: int, kind: str, message: str) -> web.Response:
    return json_response({"type": kind, "message": message}, status=status)


async def serve_metrics(request: web.Request) -> web.Response:
    access = request.app[SERVICES].settings.metrics
    if access == "off":
        return _problem(404, "not_found", "metrics are off (PIXANO_METRICS=off)")
    if access == "admin":
        user = current_user(request)
        if user is None:
            return _problem(401, "unauthenticated", "authentication required: log in first")
        if user["role"] != "admin":
            return _problem(403, "forbidden", "metrics are reserved to administrators")
    counters = request.app.get(STORE_COUNTERS)
    if counters is not None:
        counters.sync()
    body = generate_latest(_registry())
    response = web.Response(body=body)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    response.headers["Cache-Control"] = "no-store"
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/metrics", serve_metrics)

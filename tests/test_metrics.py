"""GET /metrics: the Prometheus text format, for admins by default (PIXANO_METRICS), with requests
by route template and status, latency histograms, store operations, commits and acknowledged
writes, and the writer's queue depth."""
from __future__ import annotations

import dataclasses
import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from graph.app import create_app
from tests.client import Caller
from tests.conftest import MONGODB_URI
from tests.workflow.gql import create_task, image_folder


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """{(sample name, sorted labels): value} of a scrape; fails on anything not Prometheus text."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def scrape(caller: Caller) -> dict:
    response = await caller.http.get("/metrics", headers=caller.headers)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    return samples(await response.text())


def value(scraped: dict, name: str, **labels: str) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_admins_read_requests_latency_and_store_counters(http, admin: Caller, alice: Caller,
                                                               workspace) -> None:
    image_folder(workspace, 4)
    await create_task(admin)
    before = await scrape(admin)
    for _ in range(3):
        status, job = await alice.rest("GET", "/tasks/cars/jobs/next?objective=to_annotate")
        assert status == 200 and job
        status, _ = await alice.rest("PUT", f"/tasks/cars/jobs/{job['id']}",
                                     json={"objective": "to_validate"})
        assert status == 204
    assert (await alice.rest("GET", "/tasks/nope/jobs/next"))[0] == 404
    after = await scrape(admin)

    route = "/api/v1/tasks/{task_name}/jobs/next"  # the template, never the raw path
    assert value(after, "pixano_http_requests_total", route=route, method="GET", status="200") \
        - value(before, "pixano_http_requests_total", route=route, method="GET", status="200") == 3
    assert value(after, "pixano_http_requests_total", route=route, method="GET", status="404") \
        - value(before, "pixano_http_requests_total", route=route, method="GET", status="404") == 1
    assert not any("cars" in dict(labels).get("route", "") for _, labels in after)
    count = value(after, "pixano_http_request_duration_seconds_count", route=route)
    assert count - value(before, "pixano_http_request_duration_seconds_count", route=route) == 4
    assert value(after, "pixano_http_request_duration_seconds_bucket", route=route, le="+Inf") \
        == count
    if MONGODB_URI:
        return  # the store counters are the embedded engine's
    writes = value(after, "pixano_store_commits_total") - value(before, "pixano_store_commits_total")
    acknowledged = (value(after, "pixano_store_acknowledged_writes_total")
                    - value(before, "pixano_store_acknowledged_writes_total"))
    assert acknowledged >= 6 and 1 <= writes <= acknowledged  # 3 claims, 3 submits at least
    assert value(after, "pixano_store_operations_total", kind="write") \
        - value(before, "pixano_store_operations_total", kind="write") >= 6
    assert value(after, "pixano_store_operations_total", kind="lookup") > 0
    assert ("pixano_store_pending_writes", ()) in after


async def test_metrics_are_refused_to_anonymous_callers_and_users(http, alice: Caller) -> None:
    response = await http.get("/metrics")
    assert response.status == 401
    assert (await response.json())["type"] == "unauthenticated"
    response = await http.get("/metrics", headers=alice.headers)
    assert response.status == 403
    assert (await response.json())["type"] == "forbidden"
    assert "pixano_" not in await response.text()


@pytest.mark.parametrize("access, status", [("open", 200), ("off", 404)])
async def test_the_setting_opens_or_closes_the_route(aiohttp_client, settings, access: str,
                                                     status: int) -> None:
    client = await aiohttp_client(create_app(dataclasses.replace(settings, metrics=access)))
    response = await client.get("/metrics")
    assert response.status == status
    text = await response.text()
    assert bool(re.search(r"^pixano_http_requests_total\{", text, re.M)) == (status == 200)

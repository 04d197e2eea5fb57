"""Live updates seen from outside: the active-subscriptions gauge of /metrics, and a listener
arriving after a quiet spell (nobody listening) hears what happens from then on, nothing before."""
from __future__ import annotations

import asyncio
from pathlib import Path

from tests.client import Caller
from tests.live.test_subscriptions import CHANGES, MY_WORK, PROGRESS
from tests.live.wsclient import LiveClient
from tests.test_metrics import scrape, value
from tests.workflow.gql import create_task, image_folder, next_job, update_job

GAUGE = "pixano_live_subscriptions"


async def gauges(admin: Caller) -> dict[str, float]:
    scraped = await scrape(admin)
    return {kind: value(scraped, GAUGE, kind=kind)
            for kind in ("taskProgress", "resultChanged", "myWork")}


async def settles(admin: Caller, expected: dict[str, float]) -> None:
    """/metrics shows `expected` within a second (a subscription ends in its own task)."""
    for _ in range(50):
        if await gauges(admin) == expected:
            return
        await asyncio.sleep(0.02)
    assert await gauges(admin) == expected


async def test_the_gauge_counts_listening_subscriptions_by_kind(http, workspace: Path,
                                                                admin: Caller, alice: Caller) -> None:
    image_folder(workspace, 3)
    await create_task(admin)
    before = await gauges(admin)
    table = await (await LiveClient.connect(http, admin.token)).acked()
    progress = await table.subscribe(PROGRESS, {"t": "cars"})
    await table.next(progress)
    rows = await table.subscribe(CHANGES, {"t": "cars"})
    inbox = await (await LiveClient.connect(http, alice.token)).acked()
    await inbox.subscribe(MY_WORK)
    refused = await table.subscribe(PROGRESS, {"t": "no-such-task"})  # never listens
    assert table.pending.pop()["id"] == refused

    now = await gauges(admin)
    assert {kind: now[kind] - before[kind] for kind in now} == {
        "taskProgress": 1, "resultChanged": 1, "myWork": 1}

    await table.send({"type": "complete", "id": rows})  # the client ends one
    await settles(admin, {**now, "resultChanged": before["resultChanged"]})
    await inbox.ws.close()  # a closed socket ends its subscriptions
    await settles(admin, {**now, "resultChanged": before["resultChanged"],
                          "myWork": before["myWork"]})
    await table.ws.close()
    await settles(admin, before)


async def test_a_listener_after_a_quiet_spell_hears_only_what_follows(
        http, workspace: Path, admin: Caller, alice: Caller) -> None:
    image_folder(workspace, 4)
    await create_task(admin)
    for _ in range(2):  # nobody listens: these events are appended, never read back
        job = await next_job(alice)
        await update_job(alice, job, status="TO_VALIDATE")
    table = await (await LiveClient.connect(http, admin.token)).acked()
    rows = await table.subscribe(CHANGES, {"t": "cars"})
    job = await next_job(alice)
    change = (await table.next(rows))["resultChanged"]
    assert change["dataId"] == job["dataId"] and change["result"]["inProgress"] is True
    await table.nothing()
    await table.close()

"""Events reach every subscriber whichever instance or process published them, and a subscriber
that stops reading slows nobody else."""
from __future__ import annotations

import asyncio
import uuid

import pytest

from graph.app import create_app
from store.mongo import MongoStore
from store.sqlite import SqliteStore
from tests.client import login
from tests.conftest import ADMIN_PASSWORD, MONGODB_URI, make_user
from tests.live.rawws import RawSocket
from tests.live.wsclient import LiveClient
from tests.workflow.gql import SAVE_LABELS, create_task, image_folder, next_job, update_job

PROGRESS = """subscription { taskProgress(taskName: "cars") {
  statusCounts { toAnnotate toValidate } } }"""


def _two_stores(kind: str, workspace):
    """Two store factories on one database, as two instances (or worker processes) have."""
    if kind == "sqlite":
        return [lambda s: SqliteStore.in_workspace(s.state_dir)] * 2
    if MONGODB_URI:
        pytest.skip("two instances on a real server: run the bench or a manual check")
    from mongomock_motor import AsyncMongoMockClient

    client, name = AsyncMongoMockClient(), f"pixano_two_{uuid.uuid4().hex[:8]}"
    return [lambda s: MongoStore(client, name)] * 2


@pytest.mark.parametrize("kind", ["sqlite", "mongodb"])
async def test_two_instances_on_one_database_see_each_others_events(
        aiohttp_client, settings, workspace, kind) -> None:
    first, second = _two_stores(kind, workspace)
    a = await aiohttp_client(create_app(settings, first))
    b = await aiohttp_client(create_app(settings, second))
    admin_a = await login(a, "admin", ADMIN_PASSWORD)
    alice_a = await make_user(a, admin_a, "alice")
    admin_b = await login(b, "admin", ADMIN_PASSWORD)
    image_folder(workspace, 2)
    await create_task(admin_a)
    live = await (await LiveClient.connect(b, admin_b.token)).acked()
    op = await live.subscribe(PROGRESS)
    assert (await live.next(op))["taskProgress"]["statusCounts"] == {"toAnnotate": 2,
                                                                      "toValidate": 0}
    job = await next_job(alice_a)
    await update_job(alice_a, job, status="TO_VALIDATE")
    got = await live.next(op, timeout=1.0)  # within a second, from the other instance
    assert got["taskProgress"]["statusCounts"] == {"toAnnotate": 1, "toValidate": 1}


ROWS = "subscription {{ resultChanged(taskName: \"cars\") {{ dataId resync result {{ {} }} }} }}"


async def test_a_stuck_subscriber_delays_nobody_and_resyncs(aiohttp_client, settings,
                                                            workspace) -> None:
    import dataclasses

    http = await aiohttp_client(create_app(dataclasses.replace(settings, live_queue_size=4)))
    admin = await login(http, "admin", ADMIN_PASSWORD)
    image_folder(workspace, 1)
    await create_task(admin)
    data_id = (await admin.gql('query { results(taskName: "cars") { nodes { dataId } } }')
               )["results"]["nodes"][0]["dataId"]
    # Heavy messages (about 15 kB each with thumbnails of ~0.6 kB): a few hundred fill the socket
    # buffers of a client not reading.
    heavy = ROWS.format("dataId").replace("result {", "pad: result {" + " ".join(
        f"t{i}: thumbnail" for i in range(28)) + "} result {")
    stuck = await RawSocket.connect(http.make_url("/graphql"), "graphql-transport-ws")
    await stuck.send({"type": "connection_init", "payload": {"token": admin.token}})
    assert await stuck.receive() == {"type": "connection_ack"}
    await stuck.send({"type": "subscribe", "id": "s", "payload": {"query": heavy}})
    await stuck.send({"type": "ping"})
    assert await stuck.receive() == {"type": "pong"}
    fine = await (await LiveClient.connect(http, admin.token)).acked()
    op = await fine.subscribe(ROWS.format("dataId"))

    saves = 400
    for n in range(saves):  # the stuck one reads nothing meanwhile
        await admin.gql(SAVE_LABELS, {"t": "cars", "d": data_id, "a": [{"n": n}]})
        change = (await fine.next(op, timeout=2.0))["resultChanged"]
        assert change == {"dataId": data_id, "resync": False, "result": {"dataId": data_id}}

    received = []
    while True:  # now it reads: what fitted in its buffers, then a resync, then nothing
        message = await asyncio.wait_for(stuck.receive(), 2.0)
        received.append(message["payload"]["data"]["resultChanged"])
        if received[-1]["resync"]:
            break
    assert len(received) < saves
    stuck.close()

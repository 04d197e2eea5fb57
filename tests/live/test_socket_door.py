"""The WebSocket door: authentication at connection_init, sessions that end, connection limits,
and every operation through the same execution path as HTTP (limits, introspection, permissions)."""
from __future__ import annotations

import dataclasses

import pytest

from graph.app import create_app
from tests.client import Caller
from tests.conftest import ADMIN_PASSWORD
from tests.live.wsclient import LiveClient

ME = "query { me { username role } }"
PROGRESS = 'subscription { taskProgress(taskName: "cars") { taskName } }'
INTROSPECTION = "query { __schema { queryType { name } } }"


async def test_anonymous_and_bad_tokens_are_closed(http) -> None:
    for token in (None, "not-a-token"):
        live = await LiveClient.connect(http, token)
        assert (await live.closed())[0] == 4401


async def test_a_message_before_connection_init_is_refused(http, alice) -> None:
    live = await LiveClient.connect(http, init=False)
    await live.send({"type": "subscribe", "id": "1", "payload": {"query": ME}})
    assert (await live.closed())[0] == 4401


async def test_the_token_may_come_from_the_payload_the_bearer_header_or_the_cookie(
        http, alice: Caller) -> None:
    for live in (await LiveClient.connect(http, alice.token),
                 await LiveClient.connect(http, headers=alice.headers),
                 await LiveClient.connect(http, headers={"Cookie": f"token={alice.token}"})):
        await live.acked()
        op = await live.subscribe(ME)
        assert await live.next(op) == {"me": {"username": "alice", "role": "USER"}}
        assert await live.receive() == {"type": "complete", "id": op}
        await live.close()


async def test_the_cookie_of_a_page_of_another_origin_is_not_accepted(http, alice) -> None:
    live = await LiveClient.connect(http, headers={"Cookie": f"token={alice.token}",
                                                   "Origin": "https://evil.example"})
    assert (await live.closed())[0] == 4401


async def test_a_socket_must_initialise_in_time(aiohttp_client, settings) -> None:
    http = await aiohttp_client(create_app(dataclasses.replace(
        settings, live_init_timeout_seconds=0.2)))
    live = await LiveClient.connect(http, init=False)
    assert (await live.closed())[0] == 4408


async def test_token_expiry_on_the_clock_ends_the_subscription(http, alice, clock, settings,
                                                                 workspace, admin) -> None:
    live = await (await LiveClient.connect(http, alice.token)).acked()
    await live.subscribe("subscription { myWork { kind } }")
    await live.nothing(0.2)
    clock.advance(settings.token_ttl_seconds + 1)
    code, reason = await live.closed()
    assert code == 4401 and "session has ended" in reason


async def test_deleting_the_user_ends_their_subscription(http, admin, alice) -> None:
    live = await (await LiveClient.connect(http, alice.token)).acked()
    await live.subscribe("subscription { myWork { kind } }")
    await admin.gql("mutation { deleteUser(input: {username: \"alice\"}) { deletedId } }")
    assert (await live.closed())[0] == 4401


async def test_connection_limits_per_user_and_in_all(aiohttp_client, settings) -> None:
    http = await aiohttp_client(create_app(dataclasses.replace(
        settings, live_max_connections=3, live_max_connections_per_user=2)))
    from tests.client import login
    admin = await login(http, "admin", ADMIN_PASSWORD)
    first = [await (await LiveClient.connect(http, admin.token)).acked() for _ in range(2)]
    code, reason = await (await LiveClient.connect(http, admin.token)).closed()
    assert code == 4430 and "admin" in reason
    await first[0].close()
    again = await (await LiveClient.connect(http, admin.token)).acked()
    from tests.conftest import make_user
    bob = await make_user(http, admin, "bob")
    third = await (await LiveClient.connect(http, bob.token)).acked()
    code, reason = await (await LiveClient.connect(http, bob.token)).closed()
    assert code == 1013 and "too many" in reason
    for live in (first[1], again, third):
        await live.close()


def _refusals() -> dict[str, str]:
    """Documents every door must refuse before running them, one per limit (docs/security.md)."""
    saves = " ".join(f'a{i}: saveLabels(taskName: "t", dataId: "d", annotations: []) {{ dataId }}'
                     for i in range(11))
    return {
        "introspection": INTROSPECTION,
        "bytes": "query { " + " ".join(f"a{i}: me {{ username }}" for i in range(5000)) + " }",
        "aliases": "query { " + " ".join("a: me { username }" for _ in range(300)) + " }",
        "repeated": "query { " + " ".join("me { username }" for _ in range(300)) + " }",
        "depth": "{ " + 'result(taskName: "t", dataId: "d") { data { ' * 8 + "id"
                 + " } }" * 8 + " }",
        "cost": "query { " + " ".join(
            f'r{i}: results(taskName: "cars", first: 1000) {{ nodes {{ thumbnail }} }}'
            for i in range(3)) + " }",
        "mutations": f"mutation {{ {saves} }}",
        "syntax": "query { me { username ",
        "validation": "query { me { password } }",
    }


@pytest.mark.parametrize("case", sorted(_refusals()))
async def test_every_limit_and_the_introspection_policy_apply_as_over_http(http, alice,
                                                                           case) -> None:
    document = _refusals()[case]
    response = await http.post("/graphql", json={"query": document}, headers=alice.headers)
    refused = (await response.json())["errors"]
    assert "data" not in await response.json() or (await response.json())["data"] is None
    live = await (await LiveClient.connect(http, alice.token)).acked()
    await live.send({"type": "subscribe", "id": "1", "payload": {"query": document}})
    assert await live.receive() == {"type": "error", "id": "1", "payload": refused}


async def test_an_admin_may_introspect_over_the_socket_as_over_http(http, admin) -> None:
    staff = await (await LiveClient.connect(http, admin.token)).acked()
    op = await staff.subscribe(INTROSPECTION)
    assert await staff.next(op) == {"__schema": {"queryType": {"name": "Query"}}}


async def test_permissions_are_the_same_as_over_http(http, alice) -> None:
    query = "query { users { nodes { username } } }"
    refused = (await alice.raw_gql(query))["errors"]
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"
    live = await (await LiveClient.connect(http, alice.token)).acked()
    op = await live.subscribe(query)
    message = live.pending.pop(0) if live.pending else await live.receive()
    assert message == {"type": "next", "id": op, "payload": {"data": None, "errors": refused}}


async def test_protocol_errors_close_with_the_protocols_codes(http, alice) -> None:
    live = await (await LiveClient.connect(http, alice.token)).acked()
    await live.send({"type": "connection_init"})
    assert (await live.closed())[0] == 4429
    live = await (await LiveClient.connect(http, alice.token)).acked()
    await live.send({"type": "subscribe", "id": "1", "payload": {"query": PROGRESS}})
    await live.send({"type": "subscribe", "id": "1", "payload": {"query": PROGRESS}})
    # the first failed (no such task) and is over; a live one may not be reused
    assert (await live.receive())["type"] == "error"
    await live.send({"type": "nonsense"})
    assert (await live.closed())[0] == 4400


async def test_a_subscription_over_http_is_refused_with_a_pointer_to_the_socket(http, alice) -> None:
    for accept in ("application/json", "multipart/mixed;subscriptionSpec=1.0,application/json"):
        response = await http.post("/graphql", json={"query": PROGRESS},
                                   headers={**alice.headers, "Accept": accept})
        assert "WebSocket" in await response.text(), accept


@pytest.mark.parametrize("protocol", ["graphql-ws", None])
async def test_other_subprotocols_are_refused(http, alice, protocol) -> None:
    ws = await http.ws_connect("/graphql", protocols=(protocol,) if protocol else ())
    message = await ws.receive()
    assert ws.close_code == 4406, message

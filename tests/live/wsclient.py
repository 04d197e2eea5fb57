"""A graphql-transport-ws client for the tests, over pytest-aiohttp's test client."""
from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from aiohttp import ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient

PROTOCOL = "graphql-transport-ws"
WAIT = 5.0


class LiveClient:
    def __init__(self, ws: ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = itertools.count(1)

    @classmethod
    async def connect(cls, http: TestClient, token: str | None = None,
                      headers: dict[str, str] | None = None, init: bool = True) -> "LiveClient":
        ws = await http.ws_connect("/graphql", protocols=(PROTOCOL,), headers=headers or {})
        client = cls(ws)
        if init:
            await client.send({"type": "connection_init",
                               "payload": {"token": token} if token else {}})
        return client

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send_str(json.dumps(message))

    async def receive(self, timeout: float = WAIT) -> dict[str, Any]:
        message = await self.ws.receive(timeout=timeout)
        assert message.type == WSMsgType.TEXT, (message.type, message.data, message.extra)
        return json.loads(message.data)

    async def closed(self, timeout: float = WAIT) -> tuple[int, str]:
        """The close code and reason of a socket the server closes (skipping other messages)."""
        while True:
            message = await self.ws.receive(timeout=timeout)
            if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING):
                return self.ws.close_code, str(message.extra or "")

    async def acked(self) -> "LiveClient":
        assert await self.receive() == {"type": "connection_ack"}
        return self

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        """Start an operation; returns once the server has started it (a ping answered after it)."""
        op_id = str(next(self._ids))
        await self.send({"type": "subscribe", "id": op_id,
                         "payload": {"query": query, "variables": variables or {}}})
        await self.send({"type": "ping"})
        self.pending = []
        while True:
            message = await self.receive()
            if message["type"] == "pong":
                return op_id
            self.pending.append(message)

    async def next(self, op_id: str, timeout: float = WAIT) -> dict[str, Any]:
        """The data of the next message of `op_id` (`next` without errors), failing on anything
        else."""
        message = self.pending.pop(0) if getattr(self, "pending", None) else \
            await self.receive(timeout)
        assert message.get("id") == op_id and message["type"] == "next", message
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]

    async def nothing(self, seconds: float = 0.3) -> None:
        """No message arrives for a while."""
        assert not getattr(self, "pending", None), self.pending
        try:
            message = await self.ws.receive(timeout=seconds)
        except asyncio.TimeoutError:
            return
        raise AssertionError(f"unexpected message {message}")

    async def close(self) -> None:
        await self.ws.close()

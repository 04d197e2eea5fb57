"""The WebSocket door of /graphql: the `graphql-transport-ws` protocol, spoken by hand over
aiohttp's WebSocketResponse so that every operation runs through `graph.execution` exactly as
over HTTP (parsing limits, validation, introspection policy, permissions, error masking).

A socket must authenticate in `connection_init`: a `token` in its payload, else the request's
Bearer header or session cookie (the cookie only from this server's own origin: a page of
another origin must not ride on it). Anonymous sockets are closed (4401). The session is checked
again every `live_auth_recheck_seconds`: expired, revoked, or the account deleted, the socket is
closed (4401); a changed role applies to the next messages. Close codes, besides the protocol's
own (4400 bad message, 4406 subprotocol, 4408 init timeout, 4409 duplicate id, 4429 repeated
init): 4430 too many sockets for this user, 1013 too many sockets in all.

Each operation runs in its own task and each sends on its own: a client that stops reading
stalls only its own messages (and a send stuck for `SEND_TIMEOUT` closes its socket); the
subscription behind it keeps a bounded queue (graph.live.listeners).
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from graphql import ExecutionResult, GraphQLError

from graph.context import Context
from graph.errors import ErrorCode
from graph.execution import Refused, stream_operation
from graph.guard import UNEXPECTED
from graph.metrics import SUBSCRIPTIONS
from graph.services import SERVICES, Services
from graph.session import COOKIE_NAME, authenticate, bearer_token
from store.records import UserRecord

log = logging.getLogger("pixano_graph")

PROTOCOL = "graphql-transport-ws"
#: Operations one socket may run at once.
MAX_OPERATIONS = 50
#: A single message may take this long to reach a client before its socket is closed.
SEND_TIMEOUT = 30.0
#: How long reading a socket's next message waits for the operation just started to listen.
START_WAIT = 5.0
#: Messages bigger than this close the socket (documents are small; limits apply after parsing).
MAX_MESSAGE = 1024 * 1024

class Sockets:
    """The open, authenticated sockets of this process, for the connection limits and shutdown."""

    def __init__(self) -> None:
        self.open: set[web.WebSocketResponse] = set()
        self.per_user: Counter[str] = Counter()


SOCKETS = web.AppKey("live_sockets", Sockets)


def is_websocket(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


async def close_all(app: web.Application) -> None:
    """On shutdown: close every socket (going away), so the server stops promptly."""
    for ws in list(app[SOCKETS].open):
        await ws.close(code=1001, message=b"server shutdown")


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


async def live_socket(request: web.Request) -> web.StreamResponse:
    ws = web.WebSocketResponse(protocols=(PROTOCOL,), max_msg_size=MAX_MESSAGE, heartbeat=30.0)
    await ws.prepare(request)
    if ws.ws_protocol != PROTOCOL:
        await ws.close(code=4406, message=b"Subprotocol not acceptable")
        return ws
    await _Connection(request, ws).run()
    return ws


class _Connection:
    def __init__(self, request: web.Request, ws: web.WebSocketResponse) -> None:
        self.request = request
        self.ws = ws
        self.services: Services = request.app[SERVICES]
        self.sockets: Sockets = request.app[SOCKETS]
        self.settings = self.services.settings
        self.user: UserRecord | None = None
        self.token: str | None = None
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.send_lock = asyncio.Lock()

    async def run(self) -> None:
        watch: asyncio.Task[None] | None = None
        try:
            if not await self._initialise():
                return
            watch = asyncio.create_task(self._watch_session())
            async for message in self.ws:
                if message.type != WSMsgType.TEXT:
                    await self.close(4400, "messages must be JSON text")
                    break
                await self._handle(message.data)
        finally:
            if watch is not None:
                watch.cancel()
            for task in self.operations.values():
                task.cancel()
            await asyncio.gather(*self.operations.values(), return_exceptions=True)
            if self.user is not None:
                self.sockets.open.discard(self.ws)
                self.sockets.per_user[self.user["username"]] -= 1
                if self.sockets.per_user[self.user["username"]] <= 0:
                    del self.sockets.per_user[self.user["username"]]

    async def close(self, code: int, reason: str) -> None:
        await self.ws.close(code=code, message=reason.encode()[:120])

    # -- connection_init ------------------------------------------------------------------------

    async def _initialise(self) -> bool:
        try:
            message = await self.ws.receive(timeout=self.settings.live_init_timeout_seconds)
        except asyncio.TimeoutError:
            await self.close(4408, "Connection initialisation timeout")
            return False
        data = _decode(message.data) if message.type == WSMsgType.TEXT else None
        if data is not None and data.get("type") == "subscribe":
            await self.close(4401, "Unauthorized: send connection_init first")
            return False
        if data is None or data.get("type") != "connection_init":
            await self.close(4400, "expected connection_init")
            return False
        payload = data.get("payload") or {}
        token = payload.get("token") if isinstance(payload, dict) else None
        if not isinstance(token, str):
            cookie = self.request.cookies.get(COOKIE_NAME) if _same_origin(self.request) else None
            token = bearer_token(self.request) or cookie
        user = await authenticate(self.services, token)
        if user is None:
            await self.close(4401, "Unauthorized: log in, then send the token in connection_init")
            return False
        if len(self.sockets.open) >= self.settings.live_max_connections:
            await self.close(1013, "too many live connections: try again later")
            return False
        if self.sockets.per_user[user["username"]] >= self.settings.live_max_connections_per_user:
            await self.close(4430, f"too many live connections for {user['username']!r}")
            return False
        self.user, self.token = user, token
        self.sockets.open.add(self.ws)
        self.sockets.per_user[user["username"]] += 1
        await self.send({"type": "connection_ack"})
        return True

    async def _watch_session(self) -> None:
        """Close the socket once its session ends; follow role changes."""
        while not self.ws.closed:
            await asyncio.sleep(self.settings.live_auth_recheck_seconds)
            user = await authenticate(self.services, self.token)
            if user is None:
                await self.close(4401, "Unauthorized: the session has ended")
                return
            self.user = user

    # -- messages -------------------------------------------------------------------------------

    async def _handle(self, raw: str) -> None:
        data = _decode(raw) or {}
        kind = data.get("type")
        if kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "connection_init":
            await self.close(4429, "Too many initialisation requests")
        elif kind == "subscribe" and isinstance(data.get("id"), str) \
                and isinstance(data.get("payload"), dict):
            await self._subscribe(data["id"], data["payload"])
        elif kind == "complete" and isinstance(data.get("id"), str):
            task = self.operations.pop(data["id"], None)
            if task is not None:
                task.cancel()
        else:
            await self.close(4400, "Invalid message")

    async def _subscribe(self, op_id: str, payload: dict[str, Any]) -> None:
        if op_id in self.operations:
            await self.close(4409, f"Subscriber for {op_id} already exists")
            return
        if len(self.operations) >= MAX_OPERATIONS:
            await self._error(op_id, [GraphQLError(
                f"at most {MAX_OPERATIONS} operations may run at once on one socket")])
            return
        query, variables, name = (payload.get("query"), payload.get("variables"),
                                  payload.get("operationName"))
        if not isinstance(query, str) or not isinstance(variables, (dict, type(None))) \
                or not isinstance(name, (str, type(None))):
            await self.close(4400, "Invalid subscribe payload")
            return
        listening = asyncio.Event()
        active: list[str] = []  # the subscription's kind, once it listens (the metrics' gauge)

        def listens(kind: str) -> None:
            if not active:
                active.append(kind)
                SUBSCRIPTIONS.labels(kind).inc()
            listening.set()

        ctx = Context(services=self.services, response=web.Response(), user=self.user,
                      request=self.request, on_listening=listens)
        task = asyncio.create_task(self._run(op_id, ctx, stream_operation(query, ctx, variables,
                                                                          name), listening, active))
        self.operations[op_id] = task
        task.add_done_callback(lambda t: self.operations.pop(op_id, None)
                               if self.operations.get(op_id) is t else None)
        # The next message is read once this operation listens for events, has answered, or
        # ended (at most START_WAIT): a client whose later ping is answered knows its
        # subscription misses nothing that happens from then on.
        waiting = asyncio.ensure_future(listening.wait())
        await asyncio.wait((waiting, task), timeout=START_WAIT,
                           return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()

    async def _run(self, op_id: str, ctx: Context, stream: Any, listening: asyncio.Event,
                   active: list[str]) -> None:
        try:
            async for item in stream:
                if isinstance(item, Refused):
                    await self.send({"type": "error", "id": op_id,
                                     "payload": [e.formatted for e in item.errors]})
                    return
                listening.set()
                await self._next(op_id, item)
                ctx.user = self.user  # a role change applies from the next message on
            await self.send({"type": "complete", "id": op_id})
        except Exception:  # a failing stream ends its operation (masked), not the socket
            log.exception("live operation %s failed", op_id)
            await self._error(op_id, [GraphQLError(
                UNEXPECTED, extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value})])
        finally:
            listening.set()
            if active:  # it was counted as listening: it is not any more
                SUBSCRIPTIONS.labels(active[0]).dec()
            await stream.aclose()

    # -- sending --------------------------------------------------------------------------------

    async def _next(self, op_id: str, result: ExecutionResult) -> None:
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [e.formatted for e in result.errors]
        await self.send({"type": "next", "id": op_id, "payload": payload})

    async def _error(self, op_id: str, errors: list[GraphQLError]) -> None:
        await self.send({"type": "error", "id": op_id, "payload": [e.formatted for e in errors]})

    async def send(self, message: dict[str, Any]) -> None:
        if self.ws.closed:
            return
        text = json.dumps(message, separators=(",", ":"))
        try:
            async with self.send_lock:
                await asyncio.wait_for(self.ws.send_str(text), SEND_TIMEOUT)
        except asyncio.TimeoutError:
            await self.close(1008, "the client does not read its messages")
        except ConnectionError:
            pass


def _decode(raw: Any) -> dict[str, Any] | None:
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) else None

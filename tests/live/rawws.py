"""A bare WebSocket client that can stop reading: the stuck subscriber of the tests.

aiohttp's client always drains the socket into memory; this one reads only when asked, with a
small receive buffer, so the server really finds its messages piling up (TCP backpressure).
"""
from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
from typing import Any

from yarl import URL


class RawSocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, url: URL, protocol: str, receive_buffer: int = 4096) -> "RawSocket":
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (url.host, url.port))
        reader, writer = await asyncio.open_connection(sock=sock, limit=receive_buffer)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET {url.path} HTTP/1.1\r\nHost: {url.host}:{url.port}\r\n"
                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                      f"Sec-WebSocket-Protocol: {protocol}\r\n\r\n").encode())
        status = await reader.readline()
        assert b" 101 " in status, status
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        return cls(reader, writer)

    async def send(self, message: dict[str, Any]) -> None:
        payload = json.dumps(message).encode()
        mask = os.urandom(4)
        if len(payload) < 126:
            header = bytes([0x81, 0x80 | len(payload)]) + mask
        else:
            header = bytes([0x81, 0x80 | 126]) + struct.pack("!H", len(payload)) + mask
        self.writer.write(header + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        await self.writer.drain()

    async def receive(self) -> dict[str, Any]:
        """The next text message (the server's frames are never masked nor fragmented here)."""
        first, second = await self.reader.readexactly(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        data = await self.reader.readexactly(length)
        assert first & 0x0F == 0x1, (first, data[:80])
        return json.loads(data)

    def close(self) -> None:
        self.writer.close()

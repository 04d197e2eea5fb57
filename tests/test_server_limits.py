"""Timeouts of the real server process (issue 11: 200 sockets sending one header line every 10 s
were all kept open for 60 s) and the security headers of the HTML pages."""
from __future__ import annotations

import base64
import hashlib
import re
import socket
import time
from pathlib import Path

from graph.graphiql import graphiql_page
from tests.client import Caller
from tests.serverproc import ServerProcess

SOCKETS = 30


def _closed_by_server(sock: socket.socket) -> bool:
    """True when the peer closed (EOF or reset) rather than the read timing out."""
    try:
        return sock.recv(4096) == b""
    except ConnectionResetError:
        return True
    except (TimeoutError, socket.timeout):
        return False


def test_slow_headers_and_slow_bodies_are_cut_off(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, env={"PIXANO_ADMIN_PASSWORD": "pw", "MONGODB_URI": "",
                                          "PIXANO_KEEPALIVE_TIMEOUT": "1",
                                          "PIXANO_BODY_TIMEOUT": "1"})
    sockets: list[socket.socket] = []
    try:
        server.wait_ready()
        for _ in range(SOCKETS):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            sockets.append(sock)
        opened = time.monotonic()
        still_open = list(sockets)
        while still_open and time.monotonic() - opened < 6:  # one header line every 0.3 s
            for sock in list(still_open):
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    still_open.remove(sock)
            time.sleep(0.3)
        assert still_open == [], f"{len(still_open)} slow-header sockets still open after 6 s"
        for sock in sockets:
            sock.settimeout(2)
            assert _closed_by_server(sock)

        # a body announced and never sent: 408 after the body timeout, not a held handler
        slow = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        slow.sendall(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"user")
        assert slow.recv(4096).startswith(b"HTTP/1.1 408 ")
        slow.close()

        # an ordinary client is still served
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as fine:
            fine.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert fine.recv(4096).startswith(b"HTTP/1.1 200 ")
    finally:
        for sock in sockets:
            sock.close()
        server.stop()


def _hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


async def test_html_pages_cannot_be_framed_or_sniffed(http, admin: Caller) -> None:
    for headers, status in ((admin.headers, 200), ({}, 401)):
        response = await http.get("/graphql", headers={**headers, "Accept": "text/html"})
        assert response.status == status
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
        script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
        # only this server's files and the page's own inline scripts, by hash
        assert script_src[0] == "'self'" and all(s.startswith("'sha256-") for s in script_src[1:])
        page = await response.text()
        for inline in re.findall(r"<script>(.*?)</script>", page, re.DOTALL):
            assert f"'{_hash(inline)}'" in script_src
    assert "<script>" in graphiql_page()
    response = await http.get("/api/v1/profile", headers=admin.headers)
    assert response.headers["X-Content-Type-Options"] == "nosniff"

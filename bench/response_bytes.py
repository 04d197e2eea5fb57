"""Bytes of a results page on the wire, before and after the lean responses (issue 16).

Starts the real server (subprocess, embedded engine) on a task of `--items` new 320x240 JPEGs
(thumbnails made at ingest, as for any image task), then reads ten results, with and without
gzip (`Accept-Encoding`), and prints their bytes on the wire:

  legacy REST page  `GET /api/v1/tasks/{t}/results?page=1&count=10` (each row with its base64
                    thumbnail, the old web app's table);
  GraphQL, base64   `results(first: 10) { nodes { <the same fields> thumbnail } }`;
  GraphQL, URLs     the same with `thumbnailUrl` instead: the JSON carries no image, the browser
                    then loads ten thumbnails from URLs it caches for good (their bytes are printed
                    too: they cross the wire once per browser, not once per page).

"Before" is the same legacy page as this server wrote it before the compact JSON and gzip work:
`json.dumps` with its default separators (a space after `,` and `:`), never compressed. The
issue measured the original Node server's page at 1/1.30 of that "before" (its `JSON.stringify`
writes no spaces either); its figure is printed as before / 1.30, for comparison.

Run: `.venv/bin/python -m bench.response_bytes` (`--items 10` is enough: one page is read).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path

import aiohttp

from bench.api import ADMIN_PASSWORD, SPEC, make_images
from tests.serverproc import ServerProcess

#: ours / original for the legacy results page, measured by the issue before the lean responses.
ISSUE_RATIO_BEFORE = 1.30
TASK = "bytes"
FIELDS = ("taskName dataId finishedJobIds currentJobId status cumulatedTime annotator validator "
          "inProgress path")
GRAPHQL = """query($t: String!) { results(taskName: $t, first: 10) {
  totalCount globalCount statusCounts { done toValidate } nodes { %s %s } } }"""


async def wire(session: aiohttp.ClientSession, method: str, url: str, gzip: bool,
               **kwargs: object) -> tuple[int, bytes, str]:
    """(status, the body's bytes as sent, its Content-Encoding)."""
    headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
    async with session.request(method, url, headers=headers, **kwargs) as response:
        body = await response.read()
        return response.status, body, response.headers.get("Content-Encoding", "")


async def measure(base: str) -> dict[str, int]:
    figures: dict[str, int] = {}
    async with aiohttp.ClientSession(auto_decompress=False,
                                     cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.post(f"{base}/api/v1/login",
                                json={"username": "admin", "password": ADMIN_PASSWORD}) as r:
            assert r.status == 200, await r.text()
        async with session.post(f"{base}/api/v1/tasks", json={
                "name": TASK, "spec": SPEC, "dataset": {"path": "images", "data_type": "image"}}) as r:
            assert r.status == 201, await r.text()
        page = f"{base}/api/v1/tasks/{TASK}/results?page=1&count=10"
        for gzip in (False, True):
            status, body, encoding = await wire(session, "GET", page, gzip)
            assert status == 200 and (encoding == "gzip") == gzip, (status, encoding)
            figures[f"legacy REST page{' gzip' if gzip else ''}"] = len(body)
            if not gzip:
                rows = json.loads(body)
                assert len(rows["results"]) == 10 and all(r.get("thumbnail") for r in rows["results"])
                figures["before (default json.dumps, no gzip)"] = len(json.dumps(rows).encode())
        urls: list[str] = []
        for label, thumbnail in (("GraphQL, base64 thumbnails", "thumbnail"),
                                 ("GraphQL, thumbnailUrl", "thumbnailUrl")):
            query = {"query": GRAPHQL % (FIELDS, thumbnail), "variables": {"t": TASK}}
            for gzip in (False, True):
                status, body, encoding = await wire(session, "POST", f"{base}/graphql", gzip,
                                                    json=query)
                assert status == 200 and (encoding == "gzip") == gzip, (status, encoding, body[:200])
                figures[f"{label}{' gzip' if gzip else ''}"] = len(body)
                if not gzip:
                    nodes = json.loads(body)["data"]["results"]["nodes"]
                    assert len(nodes) == 10
                    if thumbnail == "thumbnailUrl":
                        urls = [n["thumbnailUrl"] for n in nodes]
        total = 0
        for url in urls:
            status, body, _ = await wire(session, "GET", base + url, True)
            assert status == 200, (url, status)
            total += len(body)
        figures["the 10 thumbnails behind the URLs (once, cached)"] = total
    return figures


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-bytes-") as tmp:
        workspace = Path(tmp)
        make_images(workspace / "images", args.items, (320, 240))
        server = ServerProcess(workspace, "--workers", "1",
                               env={"PIXANO_ADMIN_PASSWORD": ADMIN_PASSWORD, "MONGODB_URI": ""})
        try:
            server.wait_ready(timeout=120)
            figures = await measure(server.url)
        finally:
            server.stop()
    before = figures["before (default json.dumps, no gzip)"]
    original = before / ISSUE_RATIO_BEFORE
    print(f"bytes of one page of 10 results with thumbnails (320x240 images); the original "
          f"server's page ~{original:.0f} B (before / {ISSUE_RATIO_BEFORE})")
    print(f"{'response':52} {'bytes':>8} {'/ before':>9} {'/ original':>11}")
    for name, size in figures.items():
        print(f"{name:52} {size:8d} {size / before:9.2f} {size / original:11.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=20)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()

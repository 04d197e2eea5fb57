"""Lean responses: compact JSON on both doors, gzip for bodies worth it (and only when the client
accepts it), the GraphiQL bundle gzipped with its own ETag, and thumbnails as immutable URLs."""
from __future__ import annotations

import base64
import gzip
import io

from aiohttp import ClientSession
from multidict import CIMultiDict
from PIL import Image

from graph.graphiql import asset_urls
from tests.client import Caller
from tests.workflow.gql import create_task, image_folder

RESULTS_URLS = """query($t: String!) { results(taskName: $t, first: 10) {
  nodes { dataId thumbnail thumbnailUrl data { id thumbnail thumbnailUrl } } } }"""


async def raw_get(caller: Caller, path: str, encoding: str | None,
                  **headers: str) -> tuple[int, CIMultiDict[str], bytes]:
    """(status, headers, the bytes on the wire): no automatic decompression here."""
    async with ClientSession(auto_decompress=False) as session:
        sent = {**caller.headers, **headers}
        if encoding is not None:
            sent["Accept-Encoding"] = encoding
        else:
            sent["Accept-Encoding"] = "identity"
        async with session.get(caller.http.make_url(path), headers=sent) as response:
            return response.status, CIMultiDict(response.headers), await response.read()


async def test_json_is_compact_on_both_doors(alice: Caller) -> None:
    status, headers, body = await raw_get(alice, "/api/v1/profile", None)
    assert status == 200 and b'":' in body
    assert b'": ' not in body and b', "' not in body
    response = await alice.http.post("/graphql", headers=alice.headers,
                                     json={"query": "{ me { username role } }"})
    text = await response.text()
    assert '"me":{' in text and ": " not in text and ", " not in text


async def test_large_bodies_are_gzipped_for_clients_that_accept_it(admin: Caller,
                                                                   workspace) -> None:
    image_folder(workspace, 10)
    await create_task(admin)
    path = "/api/v1/tasks/cars/results?page=1&count=10"
    status, headers, plain = await raw_get(admin, path, None)
    assert status == 200 and "Content-Encoding" not in headers and len(plain) > 1024
    status, headers, packed = await raw_get(admin, path, "gzip, deflate")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(packed) == plain and len(packed) < len(plain)
    status, headers, _ = await raw_get(admin, path, "gzip;q=0")  # refused explicitly
    assert "Content-Encoding" not in headers
    # a small body is never worth it
    status, headers, small = await raw_get(admin, "/api/v1/profile", "gzip")
    assert status == 200 and "Content-Encoding" not in headers and len(small) < 1024


async def test_the_graphiql_bundle_is_gzipped_once_with_its_own_etag(anonymous: Caller) -> None:
    url = next(u for u in asset_urls() if u.endswith("graphiql.min.js"))  # the 3.5 MB bundle
    status, plain_headers, plain = await raw_get(anonymous, url, None)
    assert status == 200 and "Content-Encoding" not in plain_headers
    status, headers, packed = await raw_get(anonymous, url, "br, gzip")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed) == plain and len(packed) < len(plain) / 2
    assert headers["ETag"] != plain_headers["ETag"]
    status, _, body = await raw_get(anonymous, url, "gzip", **{"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    status, _, _ = await raw_get(anonymous, url, None, **{"If-None-Match": headers["ETag"]})
    assert status == 200  # the plain representation has another ETag


async def test_thumbnails_are_urls_of_immutable_jpegs(admin: Caller, alice: Caller, anonymous,
                                                      workspace) -> None:
    image_folder(workspace, 3)
    await create_task(admin)
    items = (await alice.gql(RESULTS_URLS, {"t": "cars"}))["results"]["nodes"]
    assert len(items) == 3
    for item in items:
        assert item["thumbnailUrl"] == item["data"]["thumbnailUrl"]
        assert item["thumbnailUrl"].endswith(f"/{item['dataId']}.jpg")
        status, headers, body = await raw_get(alice, item["thumbnailUrl"], None)
        assert status == 200 and headers["Content-Type"] == "image/jpeg"
        assert body == base64.b64decode(item["thumbnail"])  # the very same picture
        assert Image.open(io.BytesIO(body)).size[1] == 100
        assert "immutable" in headers["Cache-Control"] and "private" in headers["Cache-Control"]
        status, _, again = await raw_get(alice, item["thumbnailUrl"], None,
                                         **{"If-None-Match": headers["ETag"]})
        assert status == 304 and again == b""
    status, _, body = await raw_get(anonymous, items[0]["thumbnailUrl"], None)
    assert status == 401 and b"\xff\xd8" not in body
    dataset_url = items[0]["thumbnailUrl"].rsplit("/", 1)[0]
    status, _, _ = await raw_get(alice, f"{dataset_url}/no-such-item.jpg", None)
    assert status == 404

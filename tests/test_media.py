"""/data/<path>: workspace media for logged-in users, read-only, cacheable, and never a byte from
outside the workspace or from the server's private folder, whatever the spelling of the path."""
from __future__ import annotations

import os
from email.utils import format_datetime
from datetime import datetime, timezone

import pytest
from yarl import URL

from resolvers.auth.tokens import SECRET_FILE
from tests.files import make_image, make_pcl

OUTSIDE_SECRET = b"TOP SECRET outside the workspace"


@pytest.fixture
def media(workspace, tmp_path):
    """A workspace with media, a secret file beside it, and symlinks trying to reach out."""
    make_image(workspace / "images" / "cat.jpg", size=(64, 48))
    make_image(workspace / "images" / "dog.png", size=(32, 32))
    make_pcl(workspace / "clouds" / "c.bin")
    make_image(workspace / "odd names" / "100% cat#1.jpg")
    secret = tmp_path / "secret.txt"
    secret.write_bytes(OUTSIDE_SECRET)
    os.symlink(tmp_path, workspace / "link-out")
    os.symlink(secret, workspace / "images" / "file-out.jpg")
    os.symlink(workspace / ".pixano", workspace / "link-private")
    os.symlink(workspace / "images" / "cat.jpg", workspace / "images" / "alias.jpg")
    (workspace / ".git").mkdir()
    (workspace / ".git" / "config").write_text("[core]")
    return workspace


async def _get(caller, path: str, **headers):
    """GET exactly this path: no client-side normalisation of `..` or of percent-escapes."""
    url = URL(str(caller.http.make_url("")).rstrip("/") + path, encoded=True)
    response = await caller.http.session.get(url, headers={**caller.headers, **headers})
    return response.status, await response.read(), response.headers


async def test_logged_in_users_get_the_file_with_its_type(alice, media) -> None:
    for path, file, content_type in (
            ("/data/images/cat.jpg", "images/cat.jpg", "image/jpeg"),
            ("/data/images/dog.png", "images/dog.png", "image/png"),
            ("/data/clouds/c.bin", "clouds/c.bin", "application/octet-stream"),
            ("/data/odd%20names/100%25%20cat%231.jpg", "odd names/100% cat#1.jpg", "image/jpeg"),
            ("/data/images/alias.jpg", "images/cat.jpg", "image/jpeg")):
        status, body, headers = await _get(alice, path)
        assert status == 200, path
        assert body == (media / file).read_bytes()
        assert headers["Content-Type"] == content_type
        assert headers["Cache-Control"] == "private, no-cache"
        assert headers["X-Content-Type-Options"] == "nosniff"


async def test_anonymous_callers_get_401_and_no_byte(anonymous, media) -> None:
    status, body, _ = await _get(anonymous, "/data/images/cat.jpg")
    assert status == 401
    assert (media / "images" / "cat.jpg").read_bytes()[:16] not in body
    status, _, _ = await _get(anonymous, "/data/images/cat.jpg", Authorization="Bearer forged.token.x")
    assert status == 401


async def test_revalidation_answers_304(alice, media) -> None:
    status, body, headers = await _get(alice, "/data/images/cat.jpg")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    status, body, _ = await _get(alice, "/data/images/cat.jpg", **{"If-None-Match": etag})
    assert (status, body) == (304, b"")
    status, body, _ = await _get(alice, "/data/images/cat.jpg", **{"If-Modified-Since": modified})
    assert (status, body) == (304, b"")
    # A changed file is a new version: full answer, new validator.
    make_image(media / "images" / "cat.jpg", size=(80, 60), color="#ff0000")
    future = datetime(2031, 1, 1, tzinfo=timezone.utc).timestamp()
    os.utime(media / "images" / "cat.jpg", (future, future))
    status, body, headers = await _get(alice, "/data/images/cat.jpg", **{"If-None-Match": etag})
    assert status == 200 and body == (media / "images" / "cat.jpg").read_bytes()
    assert headers["ETag"] != etag
    old = format_datetime(datetime(2020, 1, 1, tzinfo=timezone.utc), usegmt=True)
    status, _, _ = await _get(alice, "/data/images/cat.jpg", **{"If-Modified-Since": old})
    assert status == 200


async def test_head_works_and_writes_are_refused(alice, media) -> None:
    url = alice.http.make_url("/data/images/cat.jpg")
    head = await alice.http.session.head(url, headers=alice.headers)
    assert head.status == 200 and await head.read() == b""
    before = (media / "images" / "cat.jpg").read_bytes()
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = await alice.http.session.request(method, url, headers=alice.headers, data=b"x")
        assert response.status == 405, method
    assert (media / "images" / "cat.jpg").read_bytes() == before


TRAVERSALS = [
    "/data/../secret.txt",
    "/data/images/../../secret.txt",
    "/data/%2e%2e/secret.txt",
    "/data/%2E%2E%2Fsecret.txt",
    "/data/images/..%2f..%2fsecret.txt",
    "/data/images%2f..%2f..%2fsecret.txt",
    "/data/.%2e/secret.txt",
    "/data//etc/passwd",
    "/data/%2fetc%2fpasswd",
    "/data/%2Fetc/passwd",
    "/data/..\\secret.txt",
    "/data/..%5csecret.txt",
    "/data/images/cat.jpg%00.png",
    "/data/link-out/secret.txt",
    "/data/images/file-out.jpg",
    "/data/%252e%252e/secret.txt",
]

PRIVATE = [
    f"/data/.pixano/{SECRET_FILE}",
    "/data/.pixano/pixano.sqlite3",
    "/data/.pixano/pixano.sqlite3-wal",
    f"/data/%2epixano/{SECRET_FILE}",
    f"/data/./.pixano/{SECRET_FILE}",
    f"/data/images/../.pixano/{SECRET_FILE}",
    f"/data/link-private/{SECRET_FILE}",
    "/data/link-private/pixano.sqlite3",
    "/data/.git/config",
]


@pytest.mark.parametrize("path", TRAVERSALS)
async def test_traversal_never_reads_outside(alice, media, path) -> None:
    status, body, _ = await _get(alice, path)
    assert status in (403, 404), (path, status)
    assert OUTSIDE_SECRET not in body and b"root:" not in body


@pytest.mark.parametrize("path", PRIVATE)
async def test_the_private_folder_is_never_served(alice, admin, media, path) -> None:
    secret = (media / ".pixano" / SECRET_FILE).read_bytes()
    for caller in (alice, admin):
        status, body, _ = await _get(caller, path)
        assert status in (403, 404), (path, status)
        assert secret not in body and b"SQLite format" not in body


async def test_folders_and_missing_files_are_404(alice, media) -> None:
    for path in ("/data/images", "/data/images/", "/data/", "/data/nope.jpg", "/data/images/nope.jpg"):
        status, body, _ = await _get(alice, path)
        assert status == 404, path
        assert b"cat" not in body

"""GraphiQL at /graphql works on a closed network, for logged-in admins only (issue 6).

The first tests check, without a browser, that the vendored npm files are the
exact ones Strawberry's page declares, that the rewritten page references no
other host, how the assets are served and who gets the page.

The last test drives Debian's headless Chromium through Playwright for Python
(``tests/browser/ensure_chromium.sh`` installs the browser; the pip package
brings its own driver, and ``playwright install`` is never run, since it would
download a browser from outside the package registries). An admin logs in
through the ``login`` mutation, types ``{ me { username role } }`` into
GraphiQL, runs it and reads the answer from the result pane, while every
request that is not for the test server on 127.0.0.1 is recorded and aborted.
A screenshot is saved to ``tests/artifacts/``.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import importlib.util
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from strawberry.http.ides import get_graphql_ide_html

from graph.graphiql import (
    ASSET_PREFIX,
    CACHE_CONTROL,
    STATIC_DIR,
    GraphiQLAssetError,
    asset_urls,
    build_offline_page,
    graphiql_page,
)
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD

CDN = "https://unpkg.com/"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = Path(os.environ.get("PIXANO_TEST_CHROMIUM", "/usr/bin/chromium"))
# Playwright starts each browser on a fresh temporary profile and deletes it afterwards.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Second fence behind the request interception: nothing but the test server resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
BROWSER_TEST_SECONDS = 150
ACTION_TIMEOUT_MS = 30_000
ME_QUERY = "{ me { username role } }"


def _strawberry_cdn_assets() -> dict[str, str]:
    """CDN path -> declared sha384 of every asset in Strawberry's own page.

    Parsed here independently of ``graph.graphiql``, so the check below does
    not trust the code it checks.
    """
    assets = {}
    for tag in re.finditer(r"<(?:script|link)\b[^>]*>", get_graphql_ide_html("graphiql")):
        url = re.search(r'\b(?:src|href)="' + re.escape(CDN) + r'([^"]+)"', tag.group(0))
        integrity = re.search(r'\bintegrity="([^"]+)"', tag.group(0))
        if url:
            assert integrity, f"Strawberry's page loads {url.group(1)} without an integrity hash"
            assets[url.group(1)] = integrity.group(1)
    return assets


def _package_dir(cdn_path: str) -> str:
    """``@scope/name@1.0.0/dist/x.js`` -> ``@scope/name@1.0.0``; ``name@1.0.0/x.js`` -> ``name@1.0.0``."""
    parts = cdn_path.split("/")
    return "/".join(parts[:2] if parts[0].startswith("@") else parts[:1])


# --- the vendored files and the page -------------------------------------------------------


def test_vendored_files_match_the_integrity_strawberrys_page_declares() -> None:
    assets = _strawberry_cdn_assets()
    assert len(assets) >= 7, assets  # React, ReactDOM, js-cookie, GraphiQL js+css, explorer js+css
    sources = (STATIC_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for cdn_path, integrity in assets.items():
        vendored = STATIC_DIR / cdn_path
        assert vendored.is_file(), f"{cdn_path} is not vendored under {STATIC_DIR}"
        digest = base64.b64encode(hashlib.sha384(vendored.read_bytes()).digest()).decode()
        assert f"sha384-{digest}" == integrity, f"{cdn_path} differs from the file the page declares"
        assert integrity in sources, f"SOURCES.md does not record {cdn_path}"
        assert (STATIC_DIR / _package_dir(cdn_path) / "LICENSE").is_file(), f"no LICENSE for {cdn_path}"


def test_page_loads_everything_from_this_server() -> None:
    page = graphiql_page()
    assert "://" not in page and "unpkg" not in page
    urls = re.findall(r'\b(?:src|href)="([^"]*)"', page)
    assert urls and all(url.startswith(ASSET_PREFIX) for url in urls), urls
    # The browser still verifies every vendored file against the declared hash.
    assert set(re.findall(r'\bintegrity="([^"]+)"', page)) == set(_strawberry_cdn_assets().values())
    assert {ASSET_PREFIX + path for path in _strawberry_cdn_assets()} <= set(asset_urls())


@pytest.mark.parametrize(
    ("template", "complaint"),
    [
        ('<script src="https://unpkg.com/left-pad@1.3.0/index.js"></script>', "not vendored"),
        ('<script src="https://unpkg.com/react@18.2.0/umd/react.production.min.js" '
         'integrity="sha384-AAAA"></script>', "integrity"),
        ('<script src="https://unpkg.com/react@18.2.0/umd/react.production.min.js"></script>',
         "without an integrity hash"),
        ('<img src="https://example.org/logo.png">', "external URL"),
        ('<script>fetch("https://example.org/telemetry")</script>', "external URL"),
    ],
    ids=["not-vendored", "wrong-integrity", "no-integrity", "other-host", "url-in-script"],
)
def test_a_page_that_cannot_be_served_offline_fails_loudly(template: str, complaint: str) -> None:
    with pytest.raises(GraphiQLAssetError, match=complaint):
        build_offline_page(template)


# --- serving the assets and the page --------------------------------------------------------


async def test_assets_are_served_read_only_with_content_types_and_cache_headers(http) -> None:
    for url, content_type in asset_urls().items():
        response = await http.get(url)
        assert response.status == 200, url
        assert response.headers["Content-Type"] == content_type
        assert response.headers["Cache-Control"] == CACHE_CONTROL
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        body = await response.read()
        vendored = STATIC_DIR / url[len(ASSET_PREFIX):]
        if vendored.is_file():
            assert body == vendored.read_bytes(), url
        revalidated = await http.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert revalidated.status == 304 and await revalidated.read() == b""

    some_asset = next(iter(asset_urls()))
    head = await http.head(some_asset)
    assert head.status == 200 and await head.read() == b""
    assert (await http.post(some_asset)).status == 405
    assert (await http.put(some_asset, data=b"x")).status == 405
    for not_served in ("graphiql@3.8.3/LICENSE", "SOURCES.md", "..%2F..%2Fapp.py", "nope.js"):
        assert (await http.get(ASSET_PREFIX + not_served)).status == 404, not_served


async def test_only_a_logged_in_admin_gets_graphiql(http, anonymous, alice, admin) -> None:
    async def open_graphiql(caller) -> tuple[int, str]:
        response = await http.get("/graphql", headers={**caller.headers, "Accept": "text/html"})
        return response.status, await response.text()

    status, body = await open_graphiql(anonymous)
    assert status == 401 and "Log in" in body and ASSET_PREFIX not in body
    status, body = await open_graphiql(alice)
    assert status == 403 and ASSET_PREFIX not in body
    status, body = await open_graphiql(admin)
    assert status == 200 and body == graphiql_page()


# --- the real browser -----------------------------------------------------------------------


def _why_no_browser() -> str | None:
    if not CHROMIUM.exists():
        return (f"{CHROMIUM} is not installed and tests/browser/ensure_chromium.sh could not "
                "install it (it needs root and apt-get with Debian's package lists)")
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


class NetworkFence:
    """Lets the page reach 127.0.0.1 only: anything else is recorded and aborted."""

    def __init__(self) -> None:
        self.requested: list[str] = []
        self.blocked: list[str] = []

    async def route(self, route) -> None:
        url = route.request.url
        self.requested.append(url)
        if urlsplit(url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            self.blocked.append(url)
            await route.abort("blockedbyclient")

    def websocket(self, websocket) -> None:  # WebSockets bypass route interception
        self.requested.append(websocket.url)
        if urlsplit(websocket.url).hostname != "127.0.0.1":
            self.blocked.append(websocket.url)


async def _open_page(browser, fence: NetworkFence) -> tuple[object, object, list[str]]:
    """A page in a fresh context (own cookie jar) behind ``fence``, and the errors it reports.

    A failed integrity check, a script that did not load or a GraphiQL crash
    all show up there as page errors or console errors.
    """
    errors: list[str] = []
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    await context.route("**/*", fence.route)
    page = await context.new_page()
    page.on("websocket", fence.websocket)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", lambda message: errors.append(f"console: {message.text}")
            if message.type == "error" else None)
    return context, page, errors


async def _login_with_the_form(page, username: str, password: str) -> int:
    """Log in as a person would: fill the page's login form; it reloads /graphql. Its status."""
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    async with page.expect_navigation() as navigation:
        await page.click("button[type=submit]")
    response = await navigation.value
    # The session lives in an httpOnly cookie: the browser holds it, page scripts cannot read it.
    assert "token=" not in await page.evaluate("document.cookie")
    assert any(cookie["name"] == "token" and cookie["httpOnly"] for cookie in await page.context.cookies())
    return response.status


async def _editor_text(page, pane: str) -> str:
    """The text of a GraphiQL CodeMirror pane (CodeMirror renders spaces as no-break spaces)."""
    text = await page.locator(f"{pane} .CodeMirror-code").inner_text()
    return text.replace("\xa0", " ")


async def _run_in_graphiql(page, query: str) -> dict:
    """Type ``query`` into GraphiQL's editor, run it, and return the result pane's JSON."""
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    await editor.click()
    await page.keyboard.press("Control+A")
    await page.keyboard.press("Delete")
    await page.keyboard.type(query)  # CodeMirror's auto-closed braces are typed over
    await page.keyboard.press("Escape")  # close any autocompletion popup
    assert (await _editor_text(page, ".graphiql-query-editor")).endswith(query)
    await page.locator(".graphiql-execute-button").click()
    # Locators, not wait_for_function: the page's CSP forbids the eval() a string predicate needs.
    await page.locator(".graphiql-response .CodeMirror-code", has_text='"data"').wait_for()
    return json.loads(await _editor_text(page, ".graphiql-response"))


NO_BROWSER = _why_no_browser()


@pytest.mark.skipif(NO_BROWSER is not None, reason=f"headless Chromium unavailable: {NO_BROWSER}")
async def test_admin_runs_a_query_in_graphiql_in_headless_chromium(http, alice) -> None:
    from playwright.async_api import async_playwright

    graphql_url = str(http.make_url("/graphql"))
    assert urlsplit(graphql_url).hostname == "127.0.0.1"
    ARTIFACTS.mkdir(exist_ok=True)
    fence = NetworkFence()

    async with asyncio.timeout(BROWSER_TEST_SECONDS), async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        try:
            # An anonymous visitor gets the login prompt, not GraphiQL.
            context, page, _ = await _open_page(browser, fence)  # its 401/403 are logged as errors
            response = await page.goto(graphql_url)
            assert response.status == 401
            assert "Log in" in await page.inner_text("body")
            assert await page.locator(".graphiql-container").count() == 0

            # A wrong password is explained on the page, and nothing else happens.
            await page.fill("input[name=username]", "admin")
            await page.fill("input[name=password]", "not-the-password")
            await page.click("button[type=submit]")
            await page.locator("#error", has_text="wrong").wait_for()
            assert "wrong username or password" in await page.inner_text("#error")

            # A logged-in non-admin is refused.
            assert await _login_with_the_form(page, alice.username, USER_PASSWORD) == 403
            assert "reserved to administrators" in await page.inner_text("body")
            assert await page.locator(".graphiql-container").count() == 0
            await context.close()

            # A logged-in admin gets GraphiQL and runs an operation with the session cookie.
            context, page, errors = await _open_page(browser, fence)
            await page.goto(graphql_url)
            errors.clear()  # the anonymous visit's 401
            assert await _login_with_the_form(page, "admin", ADMIN_PASSWORD) == 200
            assert fence.blocked == [], f"GraphiQL tried to load from outside: {fence.blocked}"
            try:
                result = await _run_in_graphiql(page, ME_QUERY)
            finally:
                await page.screenshot(path=ARTIFACTS / "graphiql-admin.png")
            assert result == {"data": {"me": {"username": "admin", "role": "ADMIN"}}}
            assert errors == []
            await context.close()
        finally:
            await browser.close()

    assert fence.blocked == [], f"requests that tried to leave 127.0.0.1: {fence.blocked}"
    loaded = {urlsplit(url).path for url in fence.requested}
    assert set(asset_urls()) <= loaded, "GraphiQL did not load its assets from this server"

"""GraphiQL runs a subscription: its bundled graphql-ws client opens the WebSocket on /graphql,
authenticated by the session cookie of the admin's page (same origin), and shows the first
`taskProgress` message. Headless Chromium, as tests/test_graphiql_browser.py drives it."""
from __future__ import annotations

import asyncio
import json
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import ADMIN_PASSWORD
from tests.test_graphiql_browser import (
    BROWSER_TEST_SECONDS,
    CHROMIUM,
    CHROMIUM_FLAGS,
    NO_BROWSER,
    NetworkFence,
    _login_with_the_form,
    _editor_text,
    _open_page,
)
from tests.workflow.gql import create_task, image_folder

# Named: GraphiQL sends an operation over its WebSocket when it is a subscription *with that name*.
PROGRESS = 'subscription Progress { taskProgress(taskName: "cars") { statusCounts { total } } }'


@pytest.mark.skipif(NO_BROWSER is not None, reason=f"headless Chromium unavailable: {NO_BROWSER}")
async def test_admin_runs_a_subscription_in_graphiql(http, workspace, admin) -> None:
    from playwright.async_api import async_playwright

    image_folder(workspace, 2)
    await create_task(admin)
    graphql_url = str(http.make_url("/graphql"))
    fence = NetworkFence()
    async with asyncio.timeout(BROWSER_TEST_SECONDS), async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        try:
            context, page, errors = await _open_page(browser, fence)
            await page.goto(graphql_url)
            errors.clear()  # the anonymous visit's 401
            assert await _login_with_the_form(page, "admin", ADMIN_PASSWORD) == 200
            # Opened with the operation in the editor (the page reads `?q=`): GraphiQL knows its
            # name before the run button is pressed (typed text is parsed after a delay).
            await page.goto(f"{graphql_url}?q={quote(PROGRESS)}")
            await page.locator(".graphiql-execute-button").click()
            await page.wait_for_function(
                "() => (document.querySelector('.graphiql-response .CodeMirror-code')?.innerText"
                " || '').includes('\"data\"')")
            result = json.loads(await _editor_text(page, ".graphiql-response"))
            assert result == {"data": {"taskProgress": {"statusCounts": {"total": 2}}}}
            assert errors == []
            await context.close()
        finally:
            await browser.close()
    sockets = [url for url in fence.requested if url.startswith("ws")]
    assert sockets and all(urlsplit(url).path == "/graphql" for url in sockets)
    assert fence.blocked == []

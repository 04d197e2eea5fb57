#!/bin/sh
# Install Debian's Chromium for tests/test_graphiql_browser.py when missing.
#
# The browser test drives /usr/bin/chromium through Playwright for Python
# (the pip package brings its own driver; we never run `playwright install`,
# which would download a browser build from outside the package registries).
# Needs root for apt-get; without it, or when apt-get fails, this script
# only warns and the browser test skips, saying why.
set -u

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: $CHROMIUM missing and cannot apt-get install it (need root and apt-get); the browser test will be skipped" >&2
    exit 0
fi

echo "ensure_chromium: installing Debian chromium" >&2
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq && apt-get install -y -qq chromium >/dev/null; then
    "$CHROMIUM" --version >&2 || true
else
    echo "ensure_chromium: apt-get install chromium failed; the browser test will be skipped" >&2
fi
exit 0

"""GraphiQL page that works on a closed network.

Strawberry's GraphiQL page loads React, GraphiQL and friends from a public
CDN, so on a network without internet it stays blank. This module takes the
page Strawberry ships, points every CDN URL at a copy of the same npm file
vendored under ``graph/static/graphiql/`` (see ``SOURCES.md`` there) and
serves those copies itself.

The rewrite is derived from Strawberry's template rather than from a copy of
it, so a Strawberry upgrade keeps working as long as the files it references
are vendored. Everything is checked once, at import: a referenced file that
is not vendored, a file whose sha384 differs from the ``integrity`` attribute
the page declares, or any URL left pointing at another host raises
:class:`GraphiQLAssetError`, so a broken page can never be served quietly.

The page keeps its ``integrity`` attributes, so the browser itself verifies
each asset too. GraphiQL sends its requests with ``fetch()`` and no explicit
``credentials`` option, i.e. the default ``same-origin``: the browser sends
the session cookie with every operation to ``/graphql``.

Who may see the page is decided by the caller (``graph/http.py`` serves it to
admins only). The assets themselves are public: they are unmodified,
published npm files that hold nothing about this server.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote_to_bytes

from aiohttp import web
from strawberry.http.ides import get_graphql_ide_html

from graph.compression import MIN_SIZE, accepts_gzip, gzip_bytes

#: Where the vendored npm files live; the layout mirrors the CDN's URLs.
STATIC_DIR = Path(__file__).parent / "static" / "graphiql"
#: URL prefix under which :func:`add_asset_routes` serves them.
ASSET_PREFIX = "/graphiql/assets/"
#: The CDN Strawberry's page uses; its URLs are ``<prefix><package>@<version>/<file>``.
CDN_PREFIX = "https://unpkg.com/"

#: Assets are immutable: every URL names an exact package version (or, for
#: inlined data, the content hash), so browsers may cache them for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"

_CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_MEDIA_TYPE_SUFFIXES = {"image/svg+xml": ".svg"}
_URL_ATTRIBUTES = ("src", "href")


class GraphiQLAssetError(RuntimeError):
    """Strawberry's GraphiQL page references something this server cannot serve."""


@dataclass(frozen=True)
class Asset:
    """One file the page loads, held in memory exactly as verified."""

    body: bytes
    content_type: str

    @cached_property  # hashed once, not on every request
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'

    @cached_property  # compressed once, at the first request that accepts it (3.5 MB -> ~1 MB)
    def gzipped(self) -> bytes:
        return gzip_bytes(self.body, 9)


@dataclass(frozen=True)
class _UrlAttribute:
    """A ``src``/``href`` attribute as written in the template."""

    tag_text: str
    name: str
    url: str
    integrity: str | None


class _UrlCollector(HTMLParser):
    """Collects every ``src``/``href`` attribute of the template's tags.

    Script bodies are opaque to ``HTMLParser``, so URLs inside inline
    JavaScript are not seen here; the final ``://`` check catches those.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[_UrlAttribute] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in _URL_ATTRIBUTES:
            url = values.get(name)
            if url is not None:
                self.found.append(
                    _UrlAttribute(self.get_starttag_text() or "", name, url, values.get("integrity"))
                )

    handle_startendtag = handle_starttag


def sri_sha384(body: bytes) -> str:
    """The Subresource Integrity string (``sha384-<base64>``) of ``body``."""
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode("ascii")


def _content_type(name: str) -> str:
    suffix = Path(name).suffix
    try:
        return _CONTENT_TYPES[suffix]
    except KeyError:
        raise GraphiQLAssetError(f"no content type known for GraphiQL asset {name!r}") from None


def _vendored(relative: str, integrity: str | None) -> Asset:
    """Load a vendored file and check it against the page's integrity hash.

    A CDN URL without a hash is refused: the hash is what proves the vendored
    copy is the file the page was written for.
    """
    path = (STATIC_DIR / relative).resolve()
    if STATIC_DIR.resolve() not in path.parents:
        raise GraphiQLAssetError(f"GraphiQL asset path {relative!r} escapes {STATIC_DIR}")
    if not path.is_file():
        raise GraphiQLAssetError(
            f"Strawberry's GraphiQL page loads {CDN_PREFIX}{relative}, which is not vendored "
            f"at {path}; see {STATIC_DIR / 'SOURCES.md'} for how to add it"
        )
    if not integrity:
        raise GraphiQLAssetError(f"the page loads {CDN_PREFIX}{relative} without an integrity hash")
    body = path.read_bytes()
    if sri_sha384(body) not in integrity.split():
        raise GraphiQLAssetError(
            f"{path} has {sri_sha384(body)}, but the page declares integrity {integrity!r}"
        )
    return Asset(body, _content_type(relative))


def _inlined(data_url: str) -> tuple[str, Asset]:
    """Turn a ``data:`` URL into a served asset, named after its content hash.

    A data URL makes no request, but Strawberry's SVG favicon embeds the SVG
    namespace URL; moving it out keeps the page free of any external URL.
    """
    meta, sep, payload = data_url.partition(",")
    media_type = meta[len("data:"):].split(";")[0].strip() or "text/plain"
    if not sep or media_type not in _MEDIA_TYPE_SUFFIXES:
        raise GraphiQLAssetError(f"cannot serve inline data URL of type {media_type!r}")
    body = base64.b64decode(payload) if meta.endswith(";base64") else unquote_to_bytes(payload.strip())
    name = "inline-" + hashlib.sha256(body).hexdigest()[:16] + _MEDIA_TYPE_SUFFIXES[media_type]
    return name, Asset(body, _content_type(name))


def _replace_attribute(tag_text: str, name: str, new_value: str) -> str:
    pattern = re.compile(rf"(\s{name}\s*=\s*)(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
    replaced, count = pattern.subn(lambda m: f'{m.group(1)}"{new_value}"', tag_text, count=1)
    if count != 1:
        raise GraphiQLAssetError(f"cannot rewrite the {name} attribute of {tag_text!r}")
    return replaced


def _is_same_origin(url: str) -> bool:
    return "://" not in url and not url.startswith("//")


def build_offline_page(template: str) -> tuple[str, dict[str, Asset]]:
    """Rewrite ``template`` to load only local assets.

    Returns the page and the assets it needs, keyed by their path below
    :data:`ASSET_PREFIX`. Raises :class:`GraphiQLAssetError` if any URL cannot
    be made local or a vendored file does not match its integrity hash.
    """
    collector = _UrlCollector()
    collector.feed(template)
    collector.close()

    page = template
    assets: dict[str, Asset] = {}
    for attribute in collector.found:
        if attribute.url.startswith(CDN_PREFIX):
            name = attribute.url[len(CDN_PREFIX):]
            asset = _vendored(name, attribute.integrity)
        elif attribute.url.lower().startswith("data:"):
            name, asset = _inlined(attribute.url)
        elif _is_same_origin(attribute.url):
            continue
        else:
            raise GraphiQLAssetError(f"GraphiQL page references external URL {attribute.url!r}")
        assets[name] = asset
        new_tag = _replace_attribute(attribute.tag_text, attribute.name, ASSET_PREFIX + name)
        if attribute.tag_text not in page:
            raise GraphiQLAssetError(f"cannot find {attribute.tag_text!r} in the page")
        page = page.replace(attribute.tag_text, new_tag, 1)

    if "://" in page:
        leftover = re.search(r"\S*://\S*", page)
        raise GraphiQLAssetError(
            f"GraphiQL page still references an external URL: {leftover.group(0) if leftover else '?'}"
        )
    return page, assets


_PAGE, _ASSETS = build_offline_page(get_graphql_ide_html("graphiql"))


def graphiql_page() -> str:
    """Strawberry's GraphiQL page, loading every asset from this server."""
    return _PAGE


def asset_urls() -> dict[str, str]:
    """URL path -> content type of every asset the page loads (for tests and checks)."""
    return {ASSET_PREFIX + name: asset.content_type for name, asset in _ASSETS.items()}


async def _serve_asset(request: web.Request) -> web.StreamResponse:
    asset = _ASSETS.get(request.match_info["name"])
    if asset is None:
        raise web.HTTPNotFound()
    gzip = accepts_gzip(request) and len(asset.body) >= MIN_SIZE
    # One ETag per representation: a cache must not answer a gzip request with the plain bytes.
    etag = asset.etag[:-1] + '-gzip"' if gzip else asset.etag
    headers = {
        "Cache-Control": CACHE_CONTROL,
        "ETag": etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    if gzip:
        headers["Content-Encoding"] = "gzip"
    return web.Response(body=asset.gzipped if gzip else asset.body,
                        headers={**headers, "Content-Type": asset.content_type})


def add_asset_routes(app: web.Application) -> None:
    """Serve the page's assets read-only (GET/HEAD) under :data:`ASSET_PREFIX`.

    Only the files the page references are reachable; licence files,
    ``SOURCES.md`` and anything else in the folder are not served.
    """
    app.router.add_get(ASSET_PREFIX + "{name:.+}", _serve_asset, name="graphiql-asset")

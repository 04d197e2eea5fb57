"""Relay connections: `edges { cursor node }`, `nodes`, `pageInfo`, `totalCount`, one maximum page
size for every list, and the slicing of the root lists (users, datasets, specs, tasks).

Results and data items are paged by the store with keyset cursors (a deep page costs what the
first does). The root lists are small (accounts, folders, specs, tasks an admin made): they are
read whole and sliced here in both directions; their cursor is the item's natural key.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.settings import MAX_PAGE_SIZE  # the largest `first` / `last` of any connection

T = TypeVar("T")
R = TypeVar("R")


@strawberry.type(description="Where a page starts and ends (Relay's PageInfo).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(
        description="Cursor of the page's first item (pass as `before`); null on an empty page.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the page's last item (pass as `after`); null on an empty page.")


@strawberry.type(description="One item of a page, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item in the list.")
    node: T = strawberry.field(description="The item.")


def check_page_size(value: int | None, name: str) -> None:
    if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
        raise ApiError(ErrorCode.BAD_USER_INPUT,
                       f"{name} must be between 0 and {MAX_PAGE_SIZE}", field=name)


def encode_key(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_key(kind: str, cursor: str, field: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raw = ""
    prefix, sep, key = raw.partition(":")
    if prefix != kind or not sep:
        raise ApiError(ErrorCode.BAD_USER_INPUT, f"invalid `{field}` cursor: pass a cursor of "
                       f"this list", field=field)
    return key


@dataclass
class Window:
    """`first`/`after`/`last`/`before` as given to a connection field."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def check(self) -> None:
        check_page_size(self.first, "first")
        check_page_size(self.last, "last")
        if self.first is not None and self.last is not None:
            raise ApiError(ErrorCode.BAD_USER_INPUT, "pass `first` or `last`, not both",
                           field="last")


def slice_list(items: Sequence[T], key: Callable[[T], str], kind: str,
               window: Window) -> tuple[list[tuple[str, T]], PageInfo]:
    """The (cursor, item) pairs of `window` over the whole ordered list, and its PageInfo. A
    cursor whose item is gone is refused (BAD_USER_INPUT): the list is short, start again."""
    window.check()
    keys = [key(item) for item in items]
    start, end = 0, len(items)
    for name, cursor in (("after", window.after), ("before", window.before)):
        if cursor is None:
            continue
        wanted = decode_key(kind, cursor, name)
        if wanted not in keys:
            raise ApiError(ErrorCode.BAD_USER_INPUT, f"the `{name}` cursor's item no longer "
                           "exists: start the listing again", field=name)
        if name == "after":
            start = max(start, keys.index(wanted) + 1)
        else:
            end = min(end, keys.index(wanted))
    end = max(start, end)
    first = window.first if window.first is not None else (None if window.last else 50)
    lo, hi = start, end
    if first is not None:
        hi = min(end, start + first)
    if window.last is not None:
        lo = max(lo, hi - window.last)
    page = [(encode_key(kind, keys[i]), items[i]) for i in range(lo, hi)]
    info = PageInfo(has_next_page=hi < len(items), has_previous_page=lo > 0,
                    start_cursor=page[0][0] if page else None,
                    end_cursor=page[-1][0] if page else None)
    return page, info


@dataclass(frozen=True)
class KeysetWindow:
    """A keyset connection's page request (results, data items: paged by the store): `size`
    items after `cursor`, or with `backward` the `size` items just before it (none: the last
    ones), read by the same index in the other direction. `stop` is the other cursor when both
    are given (Relay's `after` and `before` together): the page ends at its item."""

    size: int
    cursor: str | None
    backward: bool
    stop: str | None = None

    @property
    def cursor_field(self) -> str:
        return "before" if self.backward else "after"

    @property
    def stop_field(self) -> str:
        return "after" if self.backward else "before"

    def bounded(self, items: list[R], key: Callable[[R], Any], stop_key: Any) -> tuple[list[R], bool]:
        """`items` (in sort order) without those at or past the `stop` cursor's key (the
        caller's key order), and whether any were cut."""
        if self.stop is None:
            return items, False
        kept = [i for i in items if (key(i) > stop_key if self.backward else key(i) < stop_key)]
        return kept, len(kept) < len(items)

    def page_info(self, edges: Sequence[Edge[T]], more: bool, skipped: bool = False) -> PageInfo:
        """`more`: items lie beyond the page in its direction; `skipped`: an offset was used."""
        came_from = self.cursor is not None or skipped
        return PageInfo(has_next_page=came_from if self.backward else more,
                        has_previous_page=more if self.backward else came_from,
                        start_cursor=edges[0].cursor if edges else None,
                        end_cursor=edges[-1].cursor if edges else None)


def keyset_window(first: int | None, after: str | None, last: int | None,
                  before: str | None) -> KeysetWindow:
    """Relay's window over a keyset list: `last` (or `before` alone) reads backward from
    `before` (or the end), anything else forward from `after` (or the start); the other cursor,
    if given, bounds the page."""
    Window(first, after, last, before).check()
    backward = last is not None or (before is not None and after is None and first is None)
    size = (last if backward else first)
    return KeysetWindow(size=50 if size is None else size, backward=backward,
                        cursor=before if backward else after,
                        stop=after if backward else before)


FIRST = f"Return the first n items (at most the maximum page size, {MAX_PAGE_SIZE}); default 50."
AFTER = "Start after the item of this cursor (a previous page's endCursor)."
LAST = f"Return the last n items of the window (at most {MAX_PAGE_SIZE})."
BEFORE = "End before the item of this cursor (a later page's startCursor)."


@strawberry.type(description="A page of a list (Relay connection): edges with cursors, or just "
                             "the nodes.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The page's items with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where the page starts and ends.")
    total_count: int = strawberry.field(description="Items in the whole list.")

    @strawberry.field(description="The page's items (the edges' nodes).")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]




def connection_of(records: Sequence[R], key: Callable[[R], str], kind: str, window: Window,
                  convert: Callable[[R], T]) -> Connection[T]:
    """A root list's page as a Connection (see `slice_list`)."""
    page, info = slice_list(records, key, kind, window)
    return Connection(edges=[Edge(cursor=c, node=convert(r)) for c, r in page], page_info=info,
                      total_count=len(records))

"""Legacy listings answer every item: their route walks the GraphQL connection page by page
(`Route.follow`), each page as large as the schema allows."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.settings import MAX_PAGE_SIZE
from graph.rest.spec import Call


def every(field: str, fragment: str, operation: str) -> str:
    """The document of one page of the root list `field`, selecting `...fragment` per node."""
    return (f"query {operation}($after: String) {{ {field}(first: {MAX_PAGE_SIZE}, "
            f"after: $after) {{ nodes {{ ...{fragment} }} "
            f"pageInfo {{ hasNextPage endCursor }} }} }}")


def follow_pages(field: str) -> Callable[[list[dict[str, Any]], Call], dict[str, Any] | None]:
    """The next page's variables while the last page says more follow."""
    def follow(datas: list[dict[str, Any]], call: Call) -> dict[str, Any] | None:
        info = datas[-1][field]["pageInfo"]
        return {"after": info["endCursor"]} if info["hasNextPage"] else None
    return follow


def all_nodes(datas: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    return [node for data in datas for node in data[field]["nodes"]]

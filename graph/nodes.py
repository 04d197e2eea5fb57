"""Root fields of global object identification: `node(id:)` and `nodes(ids:)`."""
from __future__ import annotations

import strawberry

from graph.node import Node
from graph.permissions import IsAuthenticated
from resolvers.nodes import queries

@strawberry.type
class NodeQuery:
    node: Node | None = strawberry.field(
        resolver=queries.node, permission_classes=[IsAuthenticated],
        description="Any object by its global `id`; null (with a NOT_FOUND error) if it does not "
                    "exist (any more).")
    nodes: list[Node | None] = strawberry.field(
        resolver=queries.nodes, permission_classes=[IsAuthenticated],
        description="Objects by their global ids, in the same order; a missing one is null with "
                    "its own NOT_FOUND error at its index.")

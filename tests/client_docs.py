"""The client documents of `tests/client/*.graphql`: what a real UI sends, kept as files.

`operation(file, name)` is the text a client would send for one operation: the operation and the
shared fragments it spreads (transitively), nothing else, so it validates on its own.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import (DocumentNode, FragmentDefinitionNode, FragmentSpreadNode,
                     OperationDefinitionNode, parse, print_ast, visit)
from graphql.language import Visitor

CLIENT = Path(__file__).parent / "client"
FRAGMENTS = "fragments.graphql"


def files() -> list[Path]:
    return sorted(p for p in CLIENT.glob("*.graphql") if p.name != FRAGMENTS)


@cache
def _fragments() -> dict[str, FragmentDefinitionNode]:
    document = parse((CLIENT / FRAGMENTS).read_text())
    return {d.name.value: d for d in document.definitions
            if isinstance(d, FragmentDefinitionNode)}


def _spreads(node: object) -> set[str]:
    names: set[str] = set()

    class Collect(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            names.add(spread.name.value)

    visit(node, Collect())  # type: ignore[arg-type]
    return names


def operations(file: str) -> dict[str, OperationDefinitionNode]:
    document: DocumentNode = parse((CLIENT / file).read_text())
    return {d.name.value: d for d in document.definitions
            if isinstance(d, OperationDefinitionNode) and d.name}


@cache
def operation(file: str, name: str) -> str:
    """The operation `name` of `tests/client/<file>` with the fragments it needs."""
    node = operations(file)[name]
    needed: list[FragmentDefinitionNode] = []
    pending = _spreads(node)
    seen: set[str] = set()
    while pending:
        fragment = _fragments()[pending.pop()]
        seen.add(fragment.name.value)
        needed.append(fragment)
        pending |= _spreads(fragment) - seen
    return "\n\n".join(print_ast(n) for n in (node, *needed))

"""docs/rest.md's route reference, generated from the table (like the OpenAPI document).

`python -m graph.rest.docs docs/rest.md` rewrites the part between the markers; a test checks the
file is up to date, so the user docs cannot drift from the routes either.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graphql import FieldNode, OperationDefinitionNode

from graph.rest.spec import Body, JSONSchema, Route

BEGIN = "<!-- BEGIN GENERATED: python -m graph.rest.docs docs/rest.md -->"
END = "<!-- END GENERATED -->"


def graphql_fields(route: Route) -> list[str]:
    """The root fields the route's operation runs, e.g. `mutation createUser`."""
    names = []
    for definition in route.operation.document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode):
                    names.append(f"{definition.operation.value} {selection.name.value}")
    return names


def _example(schema: JSONSchema, name: str) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = kind[0]
    if not isinstance(kind, str):
        return {}
    if kind == "array":
        return [_example(schema.get("items", {}), name.rstrip("s"))]
    return {"string": name, "boolean": True, "integer": 1, "number": 1.0}.get(kind, {})


def example_body(body: Body) -> dict[str, Any]:
    return {f.name: f.example if f.example is not None else _example(f.schema, f.name)
            for f in body.fields if f.in_example}


def _curl(route: Route) -> str:
    path = route.path
    query = "&".join(f"{p.name}={p.enum[0] if p.enum else ('1' if p.kind == 'integer' else '…')}"
                     for p in route.params[:2])
    url = f"http://localhost:8080/api/v1{path}" + (f"?{query}" if query else "")
    parts = ["curl -b cookies.txt" + (" -c cookies.txt" if route.public else ""),
             f"-X {route.method}" if route.method != "GET" else ""]
    if route.body is not None:
        parts.append("-H 'Content-Type: application/json' -d '"
                     + json.dumps(example_body(route.body)) + "'")
    parts.append(f"'{url}'")
    return " ".join(p for p in parts if p)


def render(routes: Iterable[Route]) -> str:
    routes = list(routes)
    lines = ["| Method | Path | GraphQL | Success | Summary |", "|---|---|---|---|---|"]
    for route in routes:
        fields = ", ".join(f"`{f}`" for f in graphql_fields(route))
        lines.append(f"| {route.method} | `{route.path}` | {fields} | {route.status} | {route.summary} |")
    for route in routes:
        lines += ["", f"### {route.method} {route.path}", "", route.summary]
        if route.description:
            lines += ["", route.description]
        if route.params:
            lines += ["", "Query parameters:"]
            lines += [f"- `{p.name}` ({p.kind}): {p.description}" for p in route.params]
        if route.body is not None:
            lines += ["", f"Body `{route.body.name}`:"]
            for f in route.body.fields:
                spelling = " / ".join(f"`{n}`" for n in (f.name, *f.aliases))
                note = f" — {f.description}" if f.description else ""
                lines.append(f"- {spelling}{' (required)' if f.required else ''}{note}")
        errors = ", ".join(str(s) for s in sorted(route.errors)) or "none"
        lines += ["", f"Answers {route.status}; errors: {errors}.", "", "```sh", _curl(route), "```"]
    return "\n".join(lines) + "\n"


def rewrite(path: Path, routes: Iterable[Route]) -> str:
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{render(routes)}{END}{tail}"


if __name__ == "__main__":
    from graph.rest.routes import ROUTES

    target = Path(sys.argv[1])
    target.write_text(rewrite(target, ROUTES), encoding="utf-8")

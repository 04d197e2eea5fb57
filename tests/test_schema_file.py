"""schema.graphql is exactly the SDL the code exports."""
from __future__ import annotations

from pathlib import Path

from strawberry.printer import print_schema

from graph.schema import schema

SDL = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_graphql_matches_the_code() -> None:
    assert SDL.read_text(encoding="utf-8").strip() == print_schema(schema).strip(), (
        "schema.graphql is stale: run `.venv/bin/strawberry export-schema graph.schema:schema "
        "--output schema.graphql`")

"""docs/rest.md's route reference is exactly what the table generates."""
from __future__ import annotations

from pathlib import Path

from graph.rest.docs import rewrite
from graph.rest.routes import ROUTES

DOC = Path(__file__).resolve().parents[2] / "docs" / "rest.md"


def test_docs_rest_md_matches_the_route_table() -> None:
    assert DOC.read_text(encoding="utf-8") == rewrite(DOC, ROUTES), (
        "docs/rest.md is stale: run `.venv/bin/python -m graph.rest.docs docs/rest.md`")


def test_every_route_has_a_section() -> None:
    text = DOC.read_text(encoding="utf-8")
    for route in ROUTES:
        assert f"### {route.method} {route.path}\n" in text

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


def test_the_differences_section_survives_regeneration() -> None:
    """The hand-written "Differences from the old server" lies outside the generated markers:
    regenerating keeps it, and it names the deliberate differences of issue 10."""
    regenerated = rewrite(DOC, ROUTES)
    head = regenerated.split("<!-- BEGIN GENERATED")[0]
    assert "## Differences from the old server" in head
    section = head.split("## Differences from the old server")[1]
    for topic in ("PIXANO_LABELS_GRACE", "argon2id", "GET /datasets", "`undefined`",
                  "*contains*", "`path`", "410 `job_denied`", "empty `password`"):
        assert topic in section, topic

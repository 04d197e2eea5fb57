"""`Comment { author, text, createdAt }`: the comments kept on a job, typed.

A job's comments are stored as a list of `{"author", "text", "created_at"}` entries (written by
`resolvers.jobs.job_update.stored_comments`). Jobs written before comments were typed hold
whatever JSON a client sent; they are read as comments too, so no stored job needs rewriting:
a string is one comment, a list is one comment per entry, an object with a `text` is one
comment, and any other JSON is one comment holding its JSON text. Their author and time were
never recorded: null.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import strawberry

from graph.scalars import utc_datetime


@strawberry.type(description="A comment left on a job, e.g. a validator's reason for sending an "
                             "item back for correction.")
class Comment:
    author: str | None = strawberry.field(
        description="Who wrote it (the job's holder then); null for a comment stored before "
                    "authors were recorded.")
    text: str = strawberry.field(description="What it says (never empty).")
    created_at: datetime | None = strawberry.field(
        description="When it was written; null for a comment stored before times were "
                    "recorded.")


def _one(entry: Any) -> Comment | None:
    if isinstance(entry, str):
        return Comment(author=None, text=entry, created_at=None) if entry else None
    if isinstance(entry, dict) and isinstance(entry.get("text"), str):
        if not entry["text"]:
            return None
        author = entry.get("author")
        created = entry.get("created_at")
        return Comment(author=author if isinstance(author, str) and author else None,
                       text=entry["text"],
                       created_at=utc_datetime(created)
                       if isinstance(created, (int, float)) and not isinstance(created, bool)
                       else None)
    if entry is None:
        return None
    return Comment(author=None, text=json.dumps(entry, ensure_ascii=False), created_at=None)


def comments_of(stored: Any) -> list[Comment]:
    """A job's stored comments as typed ones, oldest first; none: []."""
    entries = stored if isinstance(stored, list) else [stored]
    return [comment for comment in map(_one, entries) if comment is not None]

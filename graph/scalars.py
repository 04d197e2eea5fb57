"""Scalars: free JSON (label schemas, annotations, preferences) passes through untouched; times
are `DateTime` strings in ISO 8601, UTC, to the millisecond (`2026-12-01T06:00:00.123Z`).

The store keeps times as float Unix seconds (the legacy REST API shows them so); the server's
clock is read to the millisecond (`graph.services.Services.now`), so a stored time and its
`DateTime` are the same instant exactly and the REST layer turns one back into the other without
a digit of difference (`unix_seconds`).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON

__all__ = ["JSON", "DATE_TIME", "utc_datetime", "unix_seconds", "format_datetime",
           "parse_datetime"]


def utc_datetime(seconds: float) -> datetime:
    """A stored time (Unix seconds) as an aware UTC datetime, to the millisecond."""
    return datetime.fromtimestamp(round(seconds, 3), timezone.utc)


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and `Z`: what JavaScript's `Date.toISOString` writes."""
    if value.tzinfo is None:  # a naive datetime in our code means UTC
        value = value.replace(tzinfo=timezone.utc)
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_datetime(value: Any) -> datetime:
    """An input time: ISO 8601 with a UTC designator or an offset (`…Z`, `…+02:00`); a time
    without one is refused, since it would not say which instant it means."""
    if not isinstance(value, str):
        raise GraphQLError(f"DateTime must be an ISO 8601 string, not {value!r}")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)  # Python 3.11 reads `Z` and any precision
    except ValueError:
        raise GraphQLError(f"{value!r} is not an ISO 8601 date and time "
                           "(e.g. 2026-12-01T06:00:00.123Z)") from None
    if parsed.tzinfo is None:
        raise GraphQLError(f"{value!r} has no time zone: end it with Z (UTC) or an offset")
    return parsed.astimezone(timezone.utc)


def unix_seconds(value: str) -> float:
    """A `DateTime` as the stored float Unix seconds (exact for a millisecond time)."""
    return parse_datetime(value).timestamp()


#: Every `datetime` of the schema is this scalar (`scalar_map` in graph/schema.py).
DATE_TIME = strawberry.scalar(
    name="DateTime",
    description="A point in time: an ISO 8601 string in UTC to the millisecond, e.g. "
                "`2026-12-01T06:00:00.123Z` (JavaScript's `new Date(value)` reads it). Inputs "
                "accept any ISO 8601 time with `Z` or an offset.",
    specified_by_url="https://datatracker.ietf.org/doc/html/rfc3339#section-5.6",
    serialize=format_datetime, parse_value=parse_datetime)

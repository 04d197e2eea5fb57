"""The DateTime scalar on its own: what it writes (UTC, milliseconds, `Z`) and what it reads
(any ISO 8601 time with a zone), since no input takes a time yet; and that the schema uses it
for every `datetime` (Snapshot.createdAt too)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from graphql import GraphQLError

from graph.scalars import format_datetime, parse_datetime, unix_seconds, utc_datetime
from graph.schema import schema


def test_written_in_utc_to_the_millisecond() -> None:
    paris = timezone(timedelta(hours=1))
    assert format_datetime(datetime(2026, 12, 1, 7, 0, 0, 123456, paris)) == \
        "2026-12-01T06:00:00.123Z"
    assert format_datetime(utc_datetime(1_764_568_800.0)) == "2025-12-01T06:00:00.000Z"
    assert format_datetime(utc_datetime(1_764_568_800.0006)) == "2025-12-01T06:00:00.001Z"


@pytest.mark.parametrize("text", ["2026-12-01T06:00:00.123Z", "2026-12-01T07:00:00.123+01:00",
                                  "2026-12-01T06:00:00.123000+00:00", "2026-12-01 06:00:00.123Z"])
def test_read_from_any_iso_8601_time_with_a_zone(text: str) -> None:
    assert parse_datetime(text) == datetime(2026, 12, 1, 6, 0, 0, 123000, timezone.utc)


@pytest.mark.parametrize("bad, words", [("2026-12-01T06:00:00", "no time zone"),
                                        ("yesterday", "not an ISO 8601"),
                                        (1764568800, "must be an ISO 8601 string")])
def test_refused_without_a_zone_or_a_date(bad: object, words: str) -> None:
    with pytest.raises(GraphQLError, match=words):
        parse_datetime(bad)


def test_a_millisecond_time_goes_back_to_the_same_unix_seconds() -> None:
    for seconds in (1_733_034_000.123, 1_700_000_000.0, 1_733_034_030.5):
        assert unix_seconds(format_datetime(utc_datetime(seconds))) == seconds


def test_the_schema_has_one_date_time_scalar() -> None:
    scalar = schema._schema.get_type("DateTime")
    assert scalar is not None and "ISO 8601" in (scalar.description or "")
    assert scalar.serialize(datetime(2026, 12, 1, 6, tzinfo=timezone.utc)) == \
        "2026-12-01T06:00:00.000Z"

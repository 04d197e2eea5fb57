"""`IN (...)` lists of any length on the embedded engine: every batched read by ids uses these."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

#: Rows per executemany / IN (...) list: below SQLite's parameter limit (32,766), big enough to be
#: fast.
BATCH = 2000


def chunks(values: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def select_in(c: sqlite3.Connection, statement: str, fixed: Sequence[Any],
              values: Sequence[Any]) -> Iterator[Any]:
    """The rows of `statement` for each distinct one of `values`: its `{marks}` is the IN list,
    filled chunk by chunk (BATCH values per statement: below SQLite's parameter limit however
    many are asked), after the `fixed` parameters."""
    for batch in chunks(list(dict.fromkeys(values))):
        yield from c.execute(statement.format(marks=", ".join("?" * len(batch))), (*fixed, *batch))

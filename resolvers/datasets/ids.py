"""Short random ids, as the original server gave datasets, data items and specs."""
from __future__ import annotations

import secrets

DATA_ID_BYTES = 5  # 10 hex characters; unique within a dataset by construction (see unique_ids)
RECORD_ID_BYTES = 6  # datasets and specs: 12 hex characters, globally unique (unique index)


def new_id(nbytes: int = RECORD_ID_BYTES) -> str:
    """A random hex id, safe in URLs and REST paths."""
    return secrets.token_hex(nbytes)


def unique_ids(count: int, nbytes: int = DATA_ID_BYTES) -> list[str]:
    """`count` distinct random ids (a repeat is drawn again, so ids never collide in a dataset)."""
    ids: list[str] = []
    seen: set[str] = set()
    while len(ids) < count:
        candidate = secrets.token_hex(nbytes)
        if candidate not in seen:
            seen.add(candidate)
            ids.append(candidate)
    return ids

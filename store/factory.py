"""Choose and open the engine the settings ask for."""
from __future__ import annotations

from pathlib import Path

from store.base import Store


def open_store(state_dir: Path, mongodb_uri: str | None, mongodb_database: str) -> Store:
    """An unopened store: MongoDB when a URI is given, otherwise SQLite in `state_dir`."""
    if mongodb_uri:
        from store.mongo import MongoStore

        return MongoStore.from_uri(mongodb_uri, mongodb_database)
    from store.sqlite import SqliteStore

    return SqliteStore.in_workspace(state_dir)

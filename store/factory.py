"""Choose and open the engine the settings ask for."""
from __future__ import annotations

from pathlib import Path

from store.base import Store


def open_store(state_dir: Path, mongodb_uri: str | None, mongodb_database: str, *,
               group_commit: bool = True, sqlite_readers: int = 2, shared: bool = False) -> Store:
    """An unopened store: MongoDB when a URI is given, otherwise SQLite in `state_dir` (with
    group commit or not, that many read-only connections, `shared` with other processes)."""
    if mongodb_uri:
        from store.mongo import MongoStore

        return MongoStore.from_uri(mongodb_uri, mongodb_database)
    from store.sqlite import SqliteStore

    return SqliteStore.in_workspace(state_dir, group_commit=group_commit, readers=sqlite_readers,
                                    shared=shared)

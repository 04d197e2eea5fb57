"""The embedded engine: one SQLite database file under `<workspace>/.pixano/`."""
from store.sqlite.engine import SqliteStore

__all__ = ["SqliteStore"]

"""Every database access of pixano-graph: one repository interface (`Store`), two engines.

Resolvers only ever see `Store`; `open_store` picks the engine: MongoDB through Motor when a URI is
given, otherwise the embedded SQLite database in the workspace.
"""
from store.base import Store
from store.errors import DuplicateKeyError, StoreError, StoreUnavailableError, StoreVersionError
from store.factory import open_store

__all__ = [
    "DuplicateKeyError",
    "Store",
    "StoreError",
    "StoreUnavailableError",
    "StoreVersionError",
    "open_store",
]

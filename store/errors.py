"""Store failures that resolvers translate into API errors; engines raise only these."""


class StoreError(Exception):
    """Base class of every error an engine raises on purpose."""


class DuplicateKeyError(StoreError):
    """A unique key (username, task name, (path, data_type) …) already exists; nothing was written."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached or opened (bad URI, server down, unwritable workspace)."""


class StoreVersionError(StoreError):
    """The stored data was written by a newer pixano-graph: refuse to touch it."""

"""Every table and index of the embedded engine, declared in one place.

Each collection of the API document is a table holding the record as JSON (`doc`) plus a column
for every field a query filters or sorts on, each such query backed by an index.
"""
from __future__ import annotations

META = (
    # key 'v' -> DbVersion
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)

USERS = (
    "CREATE TABLE IF NOT EXISTS users ("
    " username TEXT PRIMARY KEY,"
    " doc TEXT NOT NULL)",
)

DATASETS: tuple[str, ...] = ()

SPECS: tuple[str, ...] = ()

TASKS = (
    "CREATE TABLE IF NOT EXISTS tasks ("
    " name TEXT PRIMARY KEY,"
    " spec_id TEXT NOT NULL,"
    " dataset_id TEXT NOT NULL,"
    " doc TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tasks_by_spec ON tasks (spec_id)",
    "CREATE INDEX IF NOT EXISTS tasks_by_dataset ON tasks (dataset_id)",
)

WORKFLOW: tuple[str, ...] = ()

SCHEMA: tuple[str, ...] = (*META, *USERS, *DATASETS, *SPECS, *TASKS, *WORKFLOW)

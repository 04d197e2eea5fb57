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

DATASETS: tuple[str, ...] = (
    # d:{dataset_id} -> DbDataset; item_count is a counter kept beside it (not part of the record).
    "CREATE TABLE IF NOT EXISTS datasets ("
    " id TEXT PRIMARY KEY,"
    " path TEXT NOT NULL,"
    " data_type TEXT NOT NULL,"
    " item_count INTEGER NOT NULL DEFAULT 0,"
    " doc TEXT NOT NULL)",
    "CREATE UNIQUE INDEX IF NOT EXISTS datasets_by_path ON datasets (path, data_type)",
    # d:{dataset_id}:{data_id} -> DbData; ord = rank by path, the data order every listing follows.
    "CREATE TABLE IF NOT EXISTS data_items ("
    " dataset_id TEXT NOT NULL,"
    " id TEXT NOT NULL,"
    " ord INTEGER NOT NULL,"
    " doc TEXT NOT NULL,"
    " PRIMARY KEY (dataset_id, id))",
    # Covering index: data ids in data order, and keyset pages, without touching the rows.
    "CREATE UNIQUE INDEX IF NOT EXISTS data_items_by_order ON data_items (dataset_id, ord, id)",
)

SPECS: tuple[str, ...] = (
    # s:{spec_id} -> DbSpec; content_hash = sha256 of its canonical JSON (find equal specs).
    "CREATE TABLE IF NOT EXISTS specs ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE,"
    " content_hash TEXT NOT NULL,"
    " doc TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS specs_by_content ON specs (content_hash)",
)

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

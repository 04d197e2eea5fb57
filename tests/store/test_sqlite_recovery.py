"""The embedded engine reclaims what a killed ingest left behind, and nothing else."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from store.sqlite import SqliteStore


async def test_items_of_an_unfinished_ingest_are_removed_at_open(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = SqliteStore(path)
    await store.open()
    await store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO datasets (id, path, data_type, item_count, doc) VALUES "
                     "('kept', 'images/', 'image', 1, ?)",
                     (json.dumps({"id": "kept", "path": "images/", "data_type": "image"}),))
        for dataset_id, item in (("kept", "a"), ("ghost", "b"), ("ghost", "c")):
            conn.execute("INSERT INTO data_items (dataset_id, id, ord, doc) VALUES (?, ?, 0, '{}')"
                         if item != "c" else
                         "INSERT INTO data_items (dataset_id, id, ord, doc) VALUES (?, ?, 1, '{}')",
                         (dataset_id, item))
    reopened = SqliteStore(path)
    await reopened.open()
    await reopened.close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT dataset_id, id FROM data_items ORDER BY id").fetchall()
    assert rows == [("kept", "a")]

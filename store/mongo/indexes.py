"""Every collection and index of the MongoDB engine, declared in one place and created at start.

Each entry: collection -> list of (keys, options). Unique keys enforce the API document's stored
keys (u:{username}, t:{task_name}, r:{task}:{data_id} …); the others back the workflow's queries.
"""
from __future__ import annotations

from typing import Any

IndexSpec = tuple[list[tuple[str, int]], dict[str, Any]]

USERS: dict[str, list[IndexSpec]] = {
    "users": [([("username", 1)], {"unique": True, "name": "username_unique"})],
}

DATASETS: dict[str, list[IndexSpec]] = {
    "datasets": [
        ([("id", 1)], {"unique": True, "name": "id_unique"}),
        ([("path", 1), ("data_type", 1)], {"unique": True, "name": "path_type_unique"}),
    ],
    # d:{dataset_id}:{data_id}; `order` = rank by path: listings follow it without sorting.
    "data": [
        ([("dataset_id", 1), ("id", 1)], {"unique": True, "name": "dataset_data_unique"}),
        ([("dataset_id", 1), ("order", 1)], {"unique": True, "name": "data_order"}),
    ],
}

SPECS: dict[str, list[IndexSpec]] = {
    "specs": [
        ([("id", 1)], {"unique": True, "name": "id_unique"}),
        # sha256 of the canonical JSON content: equal specs are found by one index lookup.
        ([("content_hash", 1)], {"name": "by_content"}),
    ],
}

TASKS: dict[str, list[IndexSpec]] = {
    "tasks": [
        ([("name", 1)], {"unique": True, "name": "name_unique"}),
        ([("spec_id", 1)], {"name": "by_spec"}),
        ([("dataset_id", 1)], {"name": "by_dataset"}),
    ],
}

WORKFLOW: dict[str, list[IndexSpec]] = {}

INDEXES: dict[str, list[IndexSpec]] = {**USERS, **DATASETS, **SPECS, **TASKS, **WORKFLOW}

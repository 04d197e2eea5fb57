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

DATASETS: dict[str, list[IndexSpec]] = {}

SPECS: dict[str, list[IndexSpec]] = {}

TASKS: dict[str, list[IndexSpec]] = {
    "tasks": [
        ([("name", 1)], {"unique": True, "name": "name_unique"}),
        ([("spec_id", 1)], {"name": "by_spec"}),
        ([("dataset_id", 1)], {"name": "by_dataset"}),
    ],
}

WORKFLOW: dict[str, list[IndexSpec]] = {}

INDEXES: dict[str, list[IndexSpec]] = {**USERS, **DATASETS, **SPECS, **TASKS, **WORKFLOW}

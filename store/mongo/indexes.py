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

#: Partial indexes cover only the documents where the field is set (not '').
_SET = {"$gt": ""}

# The query each index serves is declared in store/mongo/workflow_queries.py (QUERY_SHAPES);
# tests/workflow/test_mongo_query_shapes.py checks every query the engine issues against both.
WORKFLOW: dict[str, list[IndexSpec]] = {
    # r:{task}:{data_id} -> DbResult + the live state of its current job (see workflow_types).
    "results": [
        ([("task_name", 1), ("data_id", 1)], {"unique": True, "name": "results_key"}),
        ([("task_name", 1), ("ord", 1)], {"unique": True, "name": "results_by_ord"}),
        ([("task_name", 1), ("status", 1), ("queued_for", 1), ("ord", 1)],
         {"name": "results_claim"}),
        # One held item per user, task and lane: a racing second claim fails instead of holding two.
        ([("holder", 1), ("task_name", 1), ("lane", 1)],
         {"unique": True, "name": "results_held", "partialFilterExpression": {"holder": _SET}}),
        ([("queued_for", 1), ("task_name", 1), ("ord", 1)],
         {"name": "results_queued", "partialFilterExpression": {"queued_for": _SET}}),
        ([("task_name", 1), ("current_job_id", 1)],
         {"unique": True, "name": "results_by_job",
          "partialFilterExpression": {"current_job_id": _SET}}),
        # Ids of finished jobs: tells "finished" (JOB_DENIED) from "unknown" (NOT_FOUND).
        ([("task_name", 1), ("finished_job_ids", 1)], {"name": "results_by_finished_job"}),
        ([("task_name", 1), ("status", 1), ("ord", 1)], {"name": "results_by_status"}),
        ([("task_name", 1), ("status", 1), ("annotator", 1), ("ord", 1)],
         {"name": "results_by_annotator"}),
        ([("task_name", 1), ("status", 1), ("validator", 1), ("ord", 1)],
         {"name": "results_by_validator"}),
        ([("task_name", 1), ("status", 1), ("ord", 1), ("holder", 1)],
         {"name": "results_in_progress", "partialFilterExpression": {"holder": _SET}}),
    ],
    # j:{task}:{job_id} -> DbJob of finished jobs (the current job lives on its result).
    "jobs": [([("task_name", 1), ("id", 1)], {"unique": True, "name": "jobs_key"})],
    # l:{task}:{data_id} -> DbLabel + its DbLabelStatistics (`statistics`), written together.
    "labels": [([("task_name", 1), ("data_id", 1)], {"unique": True, "name": "labels_key"})],
}

# Failed logins per key ('user:<name>' or 'addr:<ip>'); dropped by the TTL index once stale.
LOGIN_THROTTLE: dict[str, list[IndexSpec]] = {
    "login_failures": [
        ([("key", 1)], {"unique": True, "name": "key_unique"}),
        ([("expire_at", 1)], {"expireAfterSeconds": 0, "name": "expire_at_ttl"}),
    ],
}

#: The event log each instance follows by `seq` (store/mongo/events.py); `at` serves pruning.
EVENTS: dict[str, list[IndexSpec]] = {
    "events": [
        ([("seq", 1)], {"unique": True, "name": "seq_unique"}),
        ([("at", 1)], {"name": "by_time"}),
    ],
}

INDEXES: dict[str, list[IndexSpec]] = {**USERS, **DATASETS, **SPECS, **TASKS, **WORKFLOW,
                                       **LOGIN_THROTTLE, **EVENTS}

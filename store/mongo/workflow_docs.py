"""Result documents <-> ResultState, and filter helpers the Mongo workflow modules share."""
from __future__ import annotations

from typing import Any

from store.repositories.workflow_types import ResultState



def result_fields() -> dict[str, int]:
    """Projection of result reads. A fresh dict per call (mongomock mutates projections), and
    `_id` kept: mongomock's find_one_and_update returns the wrong document after an update when
    `_id` is projected out. `to_state` ignores it."""
    return {"lane": 0}


def to_state(doc: dict[str, Any]) -> ResultState:
    return ResultState(
        task_name=doc["task_name"], data_id=doc["data_id"],
        finished_job_ids=list(doc["finished_job_ids"]), current_job_id=doc["current_job_id"],
        status=doc["status"], cumulated_time=float(doc["cumulated_time"]),
        annotator=doc["annotator"], validator=doc["validator"], in_progress=doc["holder"] != "",
        order=doc["ord"], holder=doc["holder"], queued_for=doc["queued_for"],
        start_at=float(doc["start_at"]), job_duration=float(doc["job_duration"]),
        last_update_at=float(doc["last_update_at"]), comments=doc.get("comments"),
        path=doc.get("path", ""),
    )


def set_and(value: Any) -> dict[str, Any]:
    """Equality on a field indexed only where it is set: saying `$gt: ''` too lets the planner
    use the partial index (it must see that the query implies the index's filter)."""
    return {"$eq": value, "$gt": ""}


def set_in(values: list[Any]) -> dict[str, Any]:
    return {"$in": values, "$gt": ""}


def free(expired: float) -> dict[str, Any]:
    """Nobody holds the item, or its holder let the lease run out."""
    return {"$or": [{"holder": ""}, {"last_update_at": {"$lt": expired}}]}

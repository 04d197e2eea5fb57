"""Rows of the `results` table <-> ResultState, and small helpers the workflow modules share."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from store.repositories.workflow_listing import legacy_text
from store.repositories.workflow_types import ResultState, label_statistics, relative_data_path
from store.sqlite.in_lists import select_in

#: The columns every read of a result selects (and every conditional update RETURNs), in order.
RESULT_COLUMNS = (
    "task_name, data_id, ord, status, current_job_id, finished_job_ids, cumulated_time,"
    " annotator, validator, holder, queued_for, start_at, job_duration, last_update_at, comments,"
    " path"
)

def relative_paths(c: sqlite3.Connection, dataset_id: str,
                   ids: Sequence[str]) -> dict[str, str]:
    """The `results.path` of each data item (JSON text of its workspace-relative path or paths,
    as the legacy contains-filter compares it); items without a record are left out."""
    return {data_id: legacy_text(relative_data_path(json.loads(path)))
            for data_id, path in select_in(
                c, "SELECT id, json_quote(json_extract(doc, '$.path')) FROM data_items"
                   " WHERE dataset_id = ? AND id IN ({marks})", (dataset_id,), ids)}


#: A claim may take an item nobody holds, or one whose holder let the lease run out.
FREE = "(holder = '' OR last_update_at < :expired)"

#: Status columns of `task_counts`; statuses are checked against this before use in SQL.
COUNT_COLUMNS = ("to_annotate", "to_validate", "to_correct", "done", "discard")

def to_state(row: Sequence[Any]) -> ResultState:
    (task_name, data_id, order, status, current_job_id, finished, cumulated, annotator, validator,
     holder, queued_for, start_at, job_duration, last_update_at, comments, path) = row
    return ResultState(
        task_name=task_name, data_id=data_id, finished_job_ids=json.loads(finished),
        current_job_id=current_job_id, status=status, cumulated_time=float(cumulated),
        annotator=annotator, validator=validator, in_progress=holder != "", order=order,
        holder=holder, queued_for=queued_for, start_at=float(start_at),
        job_duration=float(job_duration), last_update_at=float(last_update_at),
        comments=None if comments is None else json.loads(comments), path=json.loads(path),
    )


def dump_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"))


def shift_count(c: sqlite3.Connection, task_name: str, old: str | None, new: str | None) -> None:
    """Move one item from status `old` to `new` in the task's counters (same transaction)."""
    if old == new:
        return
    sets = []
    for status, delta in ((old, -1), (new, 1)):
        if status is not None:
            if status not in COUNT_COLUMNS:
                raise ValueError(f"unknown status {status!r}")
            sets.append(f"{status} = {status} + ({delta})")
    c.execute(f"UPDATE task_counts SET {', '.join(sets)} WHERE task_name = ?", (task_name,))


def write_labels(c: sqlite3.Connection, task_name: str, data_id: str, annotations: Any) -> None:
    """Replace the item's labels and their statistics (one row), inside the caller's transaction."""
    c.execute("INSERT INTO labels (task_name, data_id, statistics, annotations)"
              " VALUES (?, ?, ?, ?) ON CONFLICT (task_name, data_id) DO UPDATE"
              " SET statistics = excluded.statistics, annotations = excluded.annotations",
              (task_name, data_id, dump_json(label_statistics(annotations)),
               json.dumps(annotations, separators=(",", ":"))))

"""What the workflow announces, one function per kind of change, called by the resolver that made
the change once the store has confirmed it. An event names what changed and whom it concerns;
subscribers read the new state themselves (graph/live/bus.py).

Kinds: `claim` (someone took or resumed an item: `holder`; also a lease takeover), `interrupt`,
`end` (a job ended: the item's new `status`; `users` lists its ender and, for a rejection, the
annotator it is queued for), `labels` (labels saved), `reset` (an admin batch: `data_ids`, or
null when the batch named jobs). Heartbeats change nothing a subscriber shows: not published.
"""
from __future__ import annotations

from typing import Any

from store.repositories.workflow_types import JobView


def _bus(ctx: Any) -> Any:
    return ctx.services.events


def claimed(ctx: Any, job: JobView) -> None:
    _bus(ctx).publish(job["task_name"], "claim", data_id=job["data_id"], job_id=job["id"],
                      holder=job["assigned_to"], users=[job["assigned_to"]])


def job_updated(ctx: Any, job: JobView, status: str | None, next_job_id: str) -> None:
    """An interrupt (`status` None) or an end; a to_correct end queues the item for its annotator."""
    if status is None:
        _bus(ctx).publish(job["task_name"], "interrupt", data_id=job["data_id"], job_id=job["id"],
                          users=[job["assigned_to"]])
        return
    queued_for = job["annotator"] if status == "to_correct" else ""
    _bus(ctx).publish(job["task_name"], "end", data_id=job["data_id"], job_id=job["id"],
                      status=status, next_job_id=next_job_id, queued_for=queued_for,
                      users=sorted({job["assigned_to"], queued_for} - {""}))


def labels_saved(ctx: Any, task_name: str, data_id: str, by: str) -> None:
    _bus(ctx).publish(task_name, "labels", data_id=data_id, by=by)


#: A batch naming more items than this is announced without them (subscribers resync).
MAX_IDS_PER_EVENT = 1000


def items_reset(ctx: Any, task_name: str, data_ids: list[str] | None) -> None:
    if data_ids is not None and len(data_ids) > MAX_IDS_PER_EVENT:
        data_ids = None
    _bus(ctx).publish(task_name, "reset", data_ids=data_ids)

"""What `touchJob`, `interruptJob` and `submitJob` share: the job named by its global id, one
store call, and the outcome as the API's errors.

JOB_DENIED (HTTP 410 `job_denied` in REST) when the job is not the caller's running job (another
holder, no longer the item's current job, interrupted); the message says why and what to do.
"""
from __future__ import annotations

from typing import Any

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.jobs.types import Job
from graph.node import decode_global_id
from resolvers.jobs.task_check import task_must_exist
from resolvers.live import publish
from store.repositories.workflow import KEEP
from store.repositories.workflow_types import JobAction, JobUpdate, JobUpdateOutcome


def job_key(global_id: strawberry.ID, field: str = "jobId") -> tuple[str, str]:
    """(task name, job id) of a Job's global id; BAD_USER_INPUT for any other id."""
    type_name, key = decode_global_id(str(global_id), field)
    if type_name != Job.__name__ or len(key) != 2:
        raise ApiError(ErrorCode.BAD_USER_INPUT, f"{str(global_id)!r} is not the id of a job",
                       field=field)
    return key[0], key[1]


def given(value: Any) -> Any:
    """An optional input field: KEEP (change nothing) when omitted."""
    return KEEP if value is strawberry.UNSET else value


def stored_comments(texts: list[str] | None, author: str,
                    now: float) -> list[dict[str, Any]] | None:
    """The comments given to a job as stored: each text with its author and time (what
    `Comment` shows), None for none; blank texts are refused, so a comment always says
    something."""
    entries = []
    for index, text in enumerate(texts or []):
        if not text.strip():
            raise ApiError(ErrorCode.BAD_USER_INPUT, f"comment {index} is empty",
                           field=f"comments.{index}")
        entries.append({"author": author, "text": text, "created_at": now})
    return entries or None


async def change_job(info: strawberry.Info, global_id: strawberry.ID, action: JobAction, *,
                     status: str | None = None, comments: list[str] | None | Any = KEEP,
                     annotations: Any = KEEP) -> JobUpdate:
    ctx = info.context
    task_name, job_id = job_key(global_id)
    if comments is not KEEP:
        comments = stored_comments(comments, ctx.user["username"], ctx.now())
    with task_must_exist(field="jobId"):
        outcome = await ctx.store.update_job(task_name, job_id, ctx.user["username"], action,
                                             ctx.now(), status=status, comments=comments,
                                             annotations=annotations)
    if outcome.outcome is JobUpdateOutcome.UNKNOWN:
        raise ApiError(ErrorCode.NOT_FOUND, f"no job {job_id!r} in task {task_name!r}",
                       field="jobId")
    if outcome.outcome is JobUpdateOutcome.DENIED:
        raise ApiError(ErrorCode.JOB_DENIED, outcome.reason, field="jobId")
    assert outcome.job is not None
    if action is not JobAction.HEARTBEAT:
        publish.job_updated(ctx, outcome.job, status, outcome.next_job_id)
        if annotations is not KEEP:
            publish.labels_saved(ctx, task_name, outcome.job["data_id"], ctx.user["username"])
    return outcome

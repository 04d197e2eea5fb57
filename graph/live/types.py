"""GraphQL types of live updates: what each subscription sends."""
from __future__ import annotations

from enum import Enum

import strawberry

from graph.jobs.types import Job
from graph.labels.types import LabelTotals
from graph.results.types import Result
from graph.tasks.types import StatusCounts


@strawberry.type(description="A task's progress: sent when a subscription starts, then each time "
                             "it changes (at most a few times a second).")
class TaskProgress:
    task_name: str
    status_counts: StatusCounts
    label_totals: LabelTotals


@strawberry.type(description="One result of a task changed (status, holder, annotator, validator "
                             "or labels). `resync` means changes were missed (the subscriber was "
                             "too slow, or a batch changed many items): re-read the table.")
class ResultChange:
    task_name: str
    data_id: strawberry.ID | None = strawberry.field(description="Null with `resync`.")
    result: Result | None = strawberry.field(
        description="The result now; null when it no longer matches the filter (or with resync).")
    labels_changed: bool = strawberry.field(description="The item's labels were saved.")
    resync: bool


@strawberry.enum(description="Why work is announced to you.")
class WorkNoticeKind(Enum):
    QUEUED = "queued"
    TAKEN_OVER = "taken_over"
    RESYNC = "resync"


@strawberry.type(description="QUEUED: a job is waiting for you (a rejected item back for "
                             "correction, with the validator's comments). TAKEN_OVER: a job you "
                             "held was taken by someone else after its lease expired. RESYNC: "
                             "notices were missed; look at your assignments.")
class WorkNotice:
    kind: WorkNoticeKind
    task_name: str | None
    job: Job | None

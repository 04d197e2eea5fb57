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
    task_name: str = strawberry.field(description="The task's name.")
    status_counts: StatusCounts = strawberry.field(description="Its items per status now.")
    label_totals: LabelTotals = strawberry.field(
        description="Its label statistics summed over every item, now.")


@strawberry.type(description="One result of a task changed (status, holder, annotator, validator "
                             "or labels). `resync` means changes were missed (the subscriber was "
                             "too slow, or a batch changed many items): re-read the table.")
class ResultChange:
    task_name: str = strawberry.field(description="The task's name.")
    data_id: strawberry.ID | None = strawberry.field(description="Null with `resync`.")
    result: Result | None = strawberry.field(
        description="The result now; null when it no longer matches the filter (or with resync).")
    labels_changed: bool = strawberry.field(description="The item's labels were saved.")
    resync: bool = strawberry.field(
        description="Changes were missed: re-read the table (the other fields are empty).")


@strawberry.enum(description="Why work is announced to you.")
class WorkNoticeKind(Enum):
    QUEUED = strawberry.enum_value("queued", description="A job is waiting for you.")
    TAKEN_OVER = strawberry.enum_value(
        "taken_over", description="A job you held was taken by someone else (lease expired).")
    RESYNC = strawberry.enum_value(
        "resync", description="Notices were missed: look at your assignments and queue.")


@strawberry.type(description="QUEUED: a job is waiting for you (a rejected item back for "
                             "correction, with the validator's comments). TAKEN_OVER: a job you "
                             "held was taken by someone else after its lease expired. RESYNC: "
                             "notices were missed; look at your assignments.")
class WorkNotice:
    kind: WorkNoticeKind = strawberry.field(description="What happened.")
    task_name: str | None = strawberry.field(description="The task; null with RESYNC.")
    job: Job | None = strawberry.field(
        description="The job queued for you or taken from you; null with RESYNC.")

"""Engine-neutral records and rules of the workflow, shared by both engines and the resolvers.

The **result** of (task, data item) is the unit of atomicity: besides the DbResult fields it carries
the live state of the item's current job (holder, start, accumulated duration, last update,
comments, who it is queued for). A claim, heartbeat, interrupt or end is then one conditional
update of one result, and the current job is read from its result; the `jobs` table/collection only
keeps finished jobs (history).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypedDict, cast
from urllib.parse import unquote

from store.errors import StoreError
from store.records import LABELLING_STATUSES, JobRecord, LabelRecord, ResultRecord

#: Statuses with no current job: the item left the workflow.
CLOSED_STATUSES: tuple[str, ...] = ("done", "discard")

#: Where each status sorts in `sort: STATUS` listings: the workflow's own order.
STATUS_RANK: dict[str, int] = {status: rank for rank, status in enumerate(LABELLING_STATUSES)}

#: A user holds at most one item per (task, lane): `nextJob(to_annotate)` serves to_annotate and
#: to_correct items (the "annotate" lane), `nextJob(to_validate)` the "validate" lane.
LANE_OF_STATUS: dict[str, str] = {
    "to_annotate": "annotate",
    "to_correct": "annotate",
    "to_validate": "validate",
    "done": "",
    "discard": "",
}

#: A claim for objective X takes items of lane LANE_OF_OBJECTIVE[X].
LANE_OF_OBJECTIVE: dict[str, str] = {
    "to_annotate": "annotate",
    "to_correct": "annotate",
    "to_validate": "validate",
}

#: Progress callback of long writes: called with how many more items were written.
ProgressCallback = Callable[[int], None]


class ResultState(ResultRecord):
    """DbResult plus the live state of its current job (see the module docstring).

    `holder` = the current job's `assigned_to` ('' when nobody holds it); `in_progress` is
    `holder != ''`; `queued_for` = the user a to_correct job waits for ('' for anyone).
    """

    order: int
    holder: str
    queued_for: str
    start_at: float
    job_duration: float
    last_update_at: float
    comments: Any


class JobView(JobRecord):
    """DbJob (+ comments) plus the item's `annotator` and `validator`, as `nextJob` answers."""

    annotator: str
    validator: str


class StatusCounts(TypedDict):
    """How many items of a task are in each status; `total` is their sum."""

    to_annotate: int
    to_validate: int
    to_correct: int
    done: int
    discard: int
    total: int


class WorkerStatistics(TypedDict):
    """What one worker did (`get_worker_statistics`), from what the results and the job
    history keep."""

    username: str
    annotated: int  # items whose last annotator they are, past annotation (ANNOTATED_STATUSES)
    validated: int  # items whose last validator they are, with a verdict (VALIDATED_STATUSES)
    time_spent: float  # seconds banked by the jobs they held (finished, dropped or current)


#: An item counts as annotated by its last annotator once it was submitted (the annotator's
#: correction of a to_correct item is their work too), as validated by its last validator once
#: they gave their verdict.
ANNOTATED_STATUSES = ("to_validate", "to_correct", "done")
VALIDATED_STATUSES = ("to_correct", "done", "discard")


class UnknownTaskError(StoreError):
    """`claim_job`, `update_job` and `save_labels` name a task that does not exist. They look the
    task up only when their conditional update matched nothing (in the same transaction), so the
    requests that succeed, nearly all of them, pay for no separate task lookup."""

    def __init__(self, task_name: str) -> None:
        super().__init__(f"no task named {task_name!r}")
        self.task_name = task_name


class JobUpdateOutcome(str, Enum):
    UPDATED = "updated"
    DENIED = "denied"  # not (or no longer) the caller's running job: HTTP 410
    UNKNOWN = "unknown"  # no job of that id in that task


class JobAction(str, Enum):
    HEARTBEAT = "heartbeat"  # a save: refresh last_update_at (the lease)
    INTERRUPT = "interrupt"  # the page was left: bank the time, keep the item
    END = "end"  # a new status: the job is finished


@dataclass(frozen=True)
class JobUpdate:
    """What `update_job` did. `job` is the job after the update (the finished one for END);
    `next_job_id` the follow-up job created by END ('' for done/discard); `reason` explains a
    denial in words a user can act on."""

    outcome: JobUpdateOutcome
    job: JobView | None = None
    next_job_id: str = ""
    reason: str = ""


class LabelsOutcome(str, Enum):
    SAVED = "saved"
    NOT_FOUND = "not_found"  # no such item in this task
    FORBIDDEN = "forbidden"  # the caller does not hold the item's current job (and is no admin)


@dataclass(frozen=True)
class LabelsSave:
    outcome: LabelsOutcome
    labels: LabelRecord | None = None
    holder: str = ""


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch reset did: how many items changed, or the ids that matched nothing (and then
    nothing was changed at all)."""

    changed: int = 0
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ItemSeed:
    """The state an item of a new task starts in when it is not a fresh one (a task import):
    its status, its labels and its last workers and time. Nobody holds it; a to_correct item
    waits for its annotator, as after a rejection; a done/discard item has no current job.
    Job history is not part of it: `finished_job_ids` starts empty."""

    status: str = "to_annotate"
    annotations: Any = field(default_factory=list)
    annotator: str = ""
    validator: str = ""
    cumulated_time: float = 0.0

    def __post_init__(self) -> None:
        if self.status not in LABELLING_STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if not self.cumulated_time >= 0:
            raise ValueError(f"cumulated time must be a number of seconds >= 0, "
                             f"got {self.cumulated_time!r}")

    @property
    def lane(self) -> str:
        return LANE_OF_STATUS[self.status]

    @property
    def has_job(self) -> bool:
        """Whether the item gets a current job (every status but done/discard)."""
        return self.status not in CLOSED_STATUSES

    @property
    def queued_for(self) -> str:
        return self.annotator if self.status == "to_correct" else ""


#: How an item of a newly created task starts: to_annotate, empty labels, nobody's.
FRESH_ITEM = ItemSeed()


def new_job_id() -> str:
    """A fresh job id: 16 random hex digits (unique per task with overwhelming probability;
    the engines' unique indexes turn the impossible clash into an error, not a silent merge)."""
    return secrets.token_hex(8)


def empty_counts() -> dict[str, int]:
    return {status: 0 for status in LABELLING_STATUSES}


def with_total(counts: dict[str, int]) -> StatusCounts:
    values = {status: int(counts.get(status, 0)) for status in LABELLING_STATUSES}
    # One key per status of LABELLING_STATUSES, as StatusCounts declares them, plus the total.
    return cast(StatusCounts, {**values, "total": sum(values.values())})


def label_statistics(annotations: Any) -> dict[str, Any]:
    """DbLabelStatistics.value for some annotations: number of objects and count per category.

    Annotations are free JSON; objects are the entries of a list (anything else counts as none),
    and an object's category is its `category` field when that is a string.
    """
    objects = annotations if isinstance(annotations, list) else []
    categories: dict[str, int] = {}
    for item in objects:
        category = item.get("category") if isinstance(item, dict) else None
        if isinstance(category, str):
            categories[category] = categories.get(category, 0) + 1
    return {"objects": len(objects), "categories": categories}


#: The URL prefix of media (resolvers/datasets/paths.py MEDIA_PREFIX): data item paths are URLs.
MEDIA_PREFIX = "/data/"


def relative_data_path(path: Any) -> str | list[str]:
    """A data item's `path` (a /data URL, percent-encoded, or a list of them) as paths relative
    to the workspace: `/data/images/my%20cat.jpg` -> `images/my cat.jpg` (what DbResult.path
    holds, as the original server's `toRelative` made it)."""
    if isinstance(path, list):
        return [str(relative_data_path(p)) for p in path]
    if not isinstance(path, str):
        return ""
    return unquote(path[len(MEDIA_PREFIX):] if path.startswith(MEDIA_PREFIX) else path)


def add_statistics(totals: dict[str, Any], statistics: dict[str, Any]) -> None:
    """Add one item's label statistics to `totals` (`{"objects": n, "categories": {...}}`)."""
    totals["objects"] += int(statistics.get("objects", 0))
    for category, count in statistics.get("categories", {}).items():
        totals["categories"][category] = totals["categories"].get(category, 0) + int(count)


def public_result(state: ResultState) -> ResultRecord:
    """The DbResult part of a result state (what legacy clients see)."""
    return ResultRecord(
        task_name=state["task_name"], data_id=state["data_id"],
        finished_job_ids=list(state["finished_job_ids"]), current_job_id=state["current_job_id"],
        status=state["status"], cumulated_time=state["cumulated_time"],
        annotator=state["annotator"], validator=state["validator"],
        in_progress=state["in_progress"], path=state["path"],
    )


def current_job(state: ResultState) -> JobView | None:
    """The item's current job, read from its result (None for done/discard items)."""
    if not state["current_job_id"]:
        return None
    return JobView(
        id=state["current_job_id"], task_name=state["task_name"], data_id=state["data_id"],
        objective=state["status"], assigned_to=state["holder"], start_at=state["start_at"],
        duration=state["job_duration"], last_update_at=state["last_update_at"],
        comments=state["comments"], annotator=state["annotator"], validator=state["validator"],
    )


def finished_job(state_before: ResultState, now: float, comments: Any) -> JobRecord:
    """The record of the current job of `state_before` as it ends at `now`."""
    elapsed = max(now - state_before["start_at"], 0.0) if state_before["start_at"] > 0 else 0.0
    return JobRecord(
        id=state_before["current_job_id"], task_name=state_before["task_name"],
        data_id=state_before["data_id"], objective=state_before["status"],
        assigned_to=state_before["holder"], start_at=0.0,
        duration=state_before["job_duration"] + elapsed, last_update_at=now, comments=comments,
    )


JOB_RECORD_KEYS = ("id", "task_name", "data_id", "objective", "assigned_to", "start_at",
                   "duration", "last_update_at", "comments")


def job_record(job: JobView, **extra: Any) -> dict[str, Any]:
    """What the job history stores of a job that left its item (DbJob + comments). `dropped`
    marks a job an admin batch replaced: it never finished, but it did exist (JOB_DENIED, not
    NOT_FOUND, for its late updates)."""
    fields: Mapping[str, Any] = job
    return {**{key: fields[key] for key in JOB_RECORD_KEYS}, **extra}


def history_job(record: Mapping[str, Any], annotator: str, validator: str) -> JobView:
    """A job of the history (as `job_record` stored it) with its item's annotator and validator,
    as `get_job` answers it."""
    return JobView(
        id=record["id"], task_name=record["task_name"], data_id=record["data_id"],
        objective=record["objective"], assigned_to=record["assigned_to"],
        start_at=record["start_at"], duration=record["duration"],
        last_update_at=record["last_update_at"], comments=record.get("comments"),
        annotator=annotator, validator=validator)


def dropped_job(state: ResultState, now: float) -> dict[str, Any] | None:
    """The history record of the current job of `state` as an admin batch drops it."""
    job = current_job(state)
    if job is None:
        return None
    return job_record(job, start_at=0.0, last_update_at=now, dropped=True)

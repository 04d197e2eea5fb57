"""Tasks, jobs, results, labels and label statistics (issue 4).

Everything two users can race on (claiming an item, ending a job, saving labels) is one
conditional update of the item's result in each engine; see `workflow_types` for the record that
makes that possible and `workflow_listing` for how listings stay index-only.

Four interfaces (tasks, jobs, results, labels): each engine implements each as one object, and
`store.base.Store` delegates to them.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from store.records import LabelRecord, LabelStatisticsRecord, TaskRecord
from store.repositories.workflow_listing import ResultFilter, ResultPage, ResultSort
from store.repositories.workflow_types import (
    BatchOutcome,
    ItemSeed,
    JobAction,
    JobUpdate,
    JobView,
    LabelsSave,
    ProgressCallback,
    ResultState,
    StatusCounts,
    WorkerStatistics,
)

#: `update_job(comments=KEEP)`: leave the job's comments as they are.
KEEP: Any = type("Keep", (), {"__repr__": lambda self: "KEEP"})()

#: What `get_assignments` gives per user: DbUser.curr_assigned_jobs and DbUser.queue, derived from
#: the results (who holds / who is queued for each item), so they can never disagree with claims.
Assignments = dict[str, dict[str, Any]]


class TaskRepository(ABC):
    """Tasks, with their items' status counters."""

    @abstractmethod
    async def count_tasks_using(self, *, dataset_id: str | None = None,
                                spec_id: str | None = None) -> int:
        """How many tasks use this dataset or spec (refuse deleting what is still in use)."""

    @abstractmethod
    async def create_task(self, task: TaskRecord, data_ids: Sequence[str], now: float,
                          progress: ProgressCallback | None = None,
                          seeds: Mapping[str, ItemSeed] | None = None) -> None:
        """Store the task and, per data id (in data order), one result (status to_annotate, with
        a fresh current job) and empty labels; an item named in `seeds` starts in its seed's
        state instead (status, labels with their statistics, annotator, validator, time: a
        task import), and the status counters count it there. All or nothing: DuplicateKeyError
        when the name is taken, ValueError on repeated data ids or a seed for an id not in
        `data_ids`, and then nothing of the task stays behind. `progress(n)` is called as
        batches of n items are written."""

    @abstractmethod
    async def get_task(self, name: str) -> TaskRecord | None:
        """The task, or None when unknown."""

    @abstractmethod
    async def list_tasks(self) -> list[TaskRecord]:
        """All tasks, ordered by name."""

    @abstractmethod
    async def set_task_spec(self, name: str, spec_id: str) -> TaskRecord | None:
        """Point the task at another spec; the updated task, or None when unknown."""

    @abstractmethod
    async def delete_task(self, name: str) -> bool:
        """Remove the task with its results, jobs, labels and label statistics (users' holds
        and queues are derived from results, so they go too); False when it did not exist."""

    @abstractmethod
    async def get_status_counts(self, names: Sequence[str]) -> list[StatusCounts | None]:
        """Items per status of each task, from counters kept with every transition (no scan)."""

class JobRepository(ABC):
    """Jobs: claims, heartbeats, interrupts, ends and admin batches on the items of a task."""

    @abstractmethod
    async def claim_job(self, task_name: str, username: str, objective: str, now: float,
                        lease: float) -> JobView | None:
        """Give `username` a job of `objective`'s lane, by the four rules in order: (1) resume
        the one they hold (restarting its clock if it was interrupted); (2) a to_correct item
        queued for them; (3) the first free item in data order (to_correct before to_annotate);
        (4) an item queued for someone else. Free = nobody holds it, or its holder has not
        touched it for `lease` seconds. Each rule is one atomic conditional update: two users
        never hold the same item. None when nothing is left; UnknownTaskError when the task
        does not exist."""

    @abstractmethod
    async def update_job(self, task_name: str, job_id: str, username: str, action: JobAction,
                         now: float, status: str | None = None, comments: Any = KEEP,
                         annotations: Any = KEEP) -> JobUpdate:
        """Heartbeat, interrupt or end (`status` = the item's new status) the job, which must be
        the item's current job, held by `username` and running; otherwise DENIED, and a hold
        of `username` on that job that is no longer running is released. Ending is one
        conditional update: of concurrent ends of one job exactly one wins. UnknownTaskError
        when the task does not exist.

        `annotations` (END only) replaces the item's labels and statistics with the status
        change: the item never moves on without them. SQLite writes both in one transaction;
        MongoDB writes the labels while the caller provably holds the running job, then ends it
        (a denied end then leaves a save the holder was entitled to, as `save_labels` would)."""

    @abstractmethod
    async def get_job(self, task_name: str, job_id: str) -> JobView | None:
        """A current or finished job of the task (with the item's annotator and validator)."""

    @abstractmethod
    async def get_jobs(self, task_name: str, job_ids: Sequence[str]) -> list[JobView | None]:
        """Many jobs as `get_job` answers each, in the order asked (None when unknown), in a
        number of round trips that does not grow with the list (GraphQL's nested jobs)."""

    @abstractmethod
    async def reset_items(self, task_name: str, ids: Sequence[str], *, by_job: bool,
                          status: str | None, now: float) -> BatchOutcome:
        """Admin batch on items named by data id (or by current job id when `by_job`): release
        holds and queues; with `status`, drop the current job and start a new one with that
        objective (none for done/discard); without, only unassign (annotator and validator
        cleared, as the legacy server did). Any unknown id: nothing changes, they are listed."""

    @abstractmethod
    async def get_assignments(self, usernames: Sequence[str]) -> list[Assignments]:
        """Per user: `{"curr_assigned_jobs": {"<task>/<objective>": job_id},
        "queue": {"<task>/<objective>": [job_id, ...]}}` (queues in data order)."""

class ResultRepository(ABC):
    """Results (an item's workflow state): point reads, listings and navigation."""

    @abstractmethod
    async def get_result(self, task_name: str, data_id: str) -> ResultState | None:
        """The item's result with its current job's state, or None."""

    @abstractmethod
    async def get_results(self, task_name: str,
                          data_ids: Sequence[str]) -> list[ResultState | None]:
        """Many items' results as `get_result` answers each, in one round trip, in the order
        asked (None when unknown)."""

    @abstractmethod
    async def list_results(self, task_name: str, filter: ResultFilter, sort: ResultSort,
                           first: int, after: str | None = None, offset: int = 0,
                           with_data: bool = False, backward: bool = False) -> ResultPage:
        """A page of results: `after` = a cursor from a previous page (keyset), `offset` =
        rows to skip (legacy page numbers). BadCursorError for a cursor we did not make.
        `backward`: the `first` rows just *before* the cursor `after` (none: the last rows), in
        sort order, `has_next` then saying whether rows precede them; no offset.
        `page.task` is the task (None: no such task, empty page); `with_data` also reads the
        page's data items (`page.data`, by data id) in the same store round trip."""

    @abstractmethod
    async def adjacent_result(self, anchor: ResultState, filter: ResultFilter, sort: ResultSort,
                              forward: bool) -> ResultState | None:
        """The matching result right after (or before) `anchor` in `sort` order, or None."""

    @abstractmethod
    async def get_worker_statistics(self, task_name: str | None = None,
                                    username: str | None = None) -> list[WorkerStatistics]:
        """Per worker, summed in the database over the task's items and jobs (every task's when
        `task_name` is None): the items whose last annotator they are and that were submitted
        (ANNOTATED_STATUSES), the items whose last validator they are with a verdict
        (VALIDATED_STATUSES), and the seconds banked by the jobs they held (the finished and
        dropped jobs of the history, and the current jobs they hold). Workers with something to
        show, by username; `username`: that worker only."""


class LabelRepository(ABC):
    """Labels and label statistics of the items."""

    @abstractmethod
    async def get_labels(self, task_name: str, data_id: str) -> LabelRecord | None:
        """The item's labels, or None."""

    @abstractmethod
    async def get_labels_many(self, task_name: str,
                              data_ids: Sequence[str]) -> list[LabelRecord | None]:
        """Many items' labels in one round trip, in the order asked (None when unknown)."""

    @abstractmethod
    async def get_label_statistics(self, task_name: str,
                                   data_id: str) -> LabelStatisticsRecord | None:
        """The item's label statistics (`value`: objects, count per category), or None."""

    @abstractmethod
    async def get_label_totals(self, task_name: str) -> dict[str, Any]:
        """The task's label statistics summed over its items: `{"objects": n, "categories":
        {category: count}}` (categories sorted by name; zeros when nothing is labelled), read
        from per-task counters that every write of labels keeps (never a scan of the labels)."""

    @abstractmethod
    async def save_labels(self, task_name: str, data_id: str, annotations: Any, username: str,
                          is_admin: bool, now: float, grace: float = 0.0) -> LabelsSave:
        """Replace the item's annotations and statistics in one write, if `username` holds the
        item's current job (which refreshes its lease), or ended the item's latest job at most
        `grace` seconds ago while nobody holds the item now, or `is_admin`; else FORBIDDEN. The
        permission is decided inside the engine's one conditional write on the result (a claim
        cannot slip in between). UnknownTaskError when the task does not exist."""


def check_unique(ids: Sequence[str], what: str) -> None:
    """Refuse repeated ids before anything is written."""
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ValueError(f"{what} {value!r} is listed twice")
        seen.add(value)


def check_new_items(data_ids: Sequence[str], seeds: Mapping[str, ItemSeed] | None) -> None:
    """`create_task`'s checks, before anything is written: data ids unique, every seed for one
    of them."""
    check_unique(data_ids, "data id")
    if seeds:
        stray = set(seeds).difference(data_ids)
        if stray:
            raise ValueError(f"seeds for data ids not in the task: {sorted(stray)[:5]}")

"""GraphQL types of jobs (DbJob plus the item's annotator and validator, and comments), the links
a work page needs (task, spec, data item, result, labels: one request loads everything), and the
inputs and payloads of the job loop's mutations."""
from __future__ import annotations

from datetime import datetime

import strawberry

from graph.datasets.loaders import data_item_loader, spec_loader
from graph.datasets.types import DataItem
from graph.enums import JobObjective, LabellingStatus, Objective
from graph.jobs.comments import Comment, comments_of
from graph.jobs.loaders import job_loader
from graph.labels.loaders import labels_loader
from graph.labels.types import Labels
from graph.node import Node
from graph.results.loaders import result_loader
from graph.results.types import Result, results_of
from graph.scalars import JSON, utc_datetime
from graph.specs.types import Spec
from graph.tasks.loaders import task_loader
from graph.tasks.types import Task
from store.records import TaskRecord
from store.repositories.workflow_types import JobView


@strawberry.type(description="One elementary piece of work on a data item, with an immutable "
                             "objective. `startAt` is null while it is not running.")
class Job(Node):
    job_id: strawberry.ID = strawberry.field(description="The job's id within its task (natural "
                                                         "key, with taskName).")
    task_name: str = strawberry.field(description="The task's name.")
    data_id: strawberry.ID = strawberry.field(description="The dataId of the item the job is on.")
    objective: Objective = strawberry.field(description="What the job asks for (immutable).")
    assigned_to: str | None = strawberry.field(
        description="Who holds it, or last held it; null when nobody ever did.")
    start_at: datetime | None = strawberry.field(
        description="When it was last started; null when the job is not running (interrupted, "
                    "or ended).")
    duration_seconds: float = strawberry.field(description="Seconds worked on it so far.")
    last_update_at: datetime = strawberry.field(
        description="Its last save or update; a hold older than the lease is free.")
    comments: list[Comment] = strawberry.field(
        description="Comments left on the job, oldest first ([] when none); a rejected item's "
                    "correction job carries the validator's comments.")
    annotator: str | None = strawberry.field(
        description="The item's last annotator; null if none yet.")
    validator: str | None = strawberry.field(
        description="The item's last validator; null if none yet.")

    @classmethod
    def from_record(cls, job: JobView) -> "Job":
        return cls(job_id=strawberry.ID(job["id"]), task_name=job["task_name"],
                   data_id=strawberry.ID(job["data_id"]), objective=Objective(job["objective"]),
                   assigned_to=job["assigned_to"] or None,
                   start_at=utc_datetime(job["start_at"]) if job["start_at"] else None,
                   duration_seconds=job["duration"],
                   last_update_at=utc_datetime(job["last_update_at"]),
                   comments=comments_of(job.get("comments")), annotator=job["annotator"] or None,
                   validator=job["validator"] or None)

    def node_key(self) -> tuple[str, ...]:
        return (self.task_name, str(self.job_id))

    async def _task(self, info: strawberry.Info) -> TaskRecord | None:
        return await task_loader(info.context).load(self.task_name)

    @strawberry.field(description="The task of the job; null if it was deleted meanwhile.")
    async def task(self, info: strawberry.Info) -> Task | None:
        record = await self._task(info)
        return Task.from_record(record) if record else None

    @strawberry.field(description="The label specification to annotate with.")
    async def spec(self, info: strawberry.Info) -> Spec | None:
        task = await self._task(info)
        record = await spec_loader(info.context).load(task["spec_id"]) if task else None
        return Spec.from_record(record) if record else None

    @strawberry.field(description="The data item to work on, with its media URLs and frames.")
    async def data_item(self, info: strawberry.Info) -> DataItem | None:
        task = await self._task(info)
        if task is None:
            return None
        record = await data_item_loader(info.context).load((task["dataset_id"], str(self.data_id)))
        return DataItem.from_record(record) if record else None

    @strawberry.field(description="Where the item stands in the task now.")
    async def result(self, info: strawberry.Info) -> Result | None:
        task = await self._task(info)
        state = await result_loader(info.context).load((self.task_name, str(self.data_id)))
        return Result.from_state(state, task["dataset_id"]) if task and state else None

    @strawberry.field(description="The item's current labels (to start from); null if none.")
    async def labels(self, info: strawberry.Info) -> Labels | None:
        record = await labels_loader(info.context).load((self.task_name, str(self.data_id)))
        return Labels.from_record(record) if record else None


JOB_ID = "The job's global `id` (as `nextJob` returned it)."
COMMENTS = ("Your comments on the item (e.g. a validator's reasons for a rejection), one text "
            "each; they replace the job's comments and are recorded with your name and the "
            "time ([] or null removes them); omitted: unchanged.")


@strawberry.input(description="Which task, and what to do in it.")
class NextJobInput:
    task_name: str = strawberry.field(description="The task's name.")
    objective: JobObjective = strawberry.field(description="Annotate or validate.")


@strawberry.type(description="The job taken by `nextJob`.")
class NextJobPayload:
    job: Job | None = strawberry.field(description="Your job (the one you already hold, if any); "
                                                   "null when there is nothing to do.")


@strawberry.input(description="A heartbeat on your running job.")
class TouchJobInput:
    job_id: strawberry.ID = strawberry.field(description=JOB_ID)
    comments: list[str] | None = strawberry.field(default=strawberry.UNSET,
                                                 description=COMMENTS)


@strawberry.type(description="Your job, its lease refreshed.")
class TouchJobPayload:
    job: Job = strawberry.field(description="The job, still running.")


@strawberry.input(description="Pause your running job (the page was left): its time is banked, "
                              "you keep it.")
class InterruptJobInput:
    job_id: strawberry.ID = strawberry.field(description=JOB_ID)
    comments: list[str] | None = strawberry.field(default=strawberry.UNSET,
                                                 description=COMMENTS)


@strawberry.type(description="Your job, paused.")
class InterruptJobPayload:
    job: Job = strawberry.field(description="The job, no longer running (startAt is null); "
                                            "nextJob resumes it.")


@strawberry.input(description="End your running job with the item's new status; optionally its "
                              "labels (saved in the same write) and a request for your next job.")
class SubmitJobInput:
    job_id: strawberry.ID = strawberry.field(description=JOB_ID)
    status: LabellingStatus = strawberry.field(
        description="The item's new status: to_validate after annotating; done, to_correct "
                    "(back to its annotator with the comments) or discard after validating.")
    comments: list[str] | None = strawberry.field(default=strawberry.UNSET,
                                                 description=COMMENTS)
    labels: JSON | None = strawberry.field(
        default=None, description="The item's final annotations, saved with the status change "
                                  "(atomically: the item never moves on without them); omitted: "
                                  "the labels stay as saved.")
    next_job: bool = strawberry.field(
        default=False, description="Also take your next job with the same objective "
                                   "(a correction counts as annotating).")


@strawberry.type(description="The ended job, where its item now stands, and your next job.")
class SubmitJobPayload:
    job: Job = strawberry.field(description="The ended job (its startAt is null, its "
                                            "durationSeconds final).")
    result: Result | None = strawberry.field(description="Where the item stands now.")
    next_job: Job | None = strawberry.field(
        description="Your next job when `nextJob` was asked; null if not asked or nothing is "
                    "left.")


@strawberry.input(description="Items of a task to move to a new status (or only unassign), by "
                              "the jobIds of their current jobs.")
class UpdateJobsInput:
    task_name: str = strawberry.field(description="The task's name.")
    job_ids: list[strawberry.ID] = strawberry.field(
        description="The jobIds of the items' current jobs.")
    objective: LabellingStatus | None = strawberry.field(
        default=None, description="The items' new status (a new job is created unless "
                                  "done/discard); omitted: only unassign them.")


@strawberry.type(description="What `updateJobs` did: how many items changed, and where the task "
                             "and the items stand now.")
class UpdateJobsPayload:
    count: int = strawberry.field(description="How many items changed.")
    task: Task = strawberry.field(description="The task (its statusCounts as they are now).")
    job_ids: strawberry.Private[list[str]]

    @strawberry.field(description="The items' results as they are now, in the order of the "
                                  "jobIds given (read at once, whatever the batch's size).")
    async def results(self, info: strawberry.Info) -> list[Result]:
        jobs = await job_loader(info.context).load_many(
            [(self.task.name, job_id) for job_id in self.job_ids])
        return await results_of(info, self.task, [j["data_id"] for j in jobs if j is not None])

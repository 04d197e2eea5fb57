"""GraphQL types of tasks (RestTask: a name, a dataset, a spec) and their status counts."""
from __future__ import annotations

import strawberry

from graph.datasets.loaders import dataset_loader, spec_loader
from graph.datasets.types import Dataset
from graph.enums import DataType
from graph.errors import ApiError, ErrorCode
from graph.labels.types import LabelTotals
from graph.node import Node, encode_global_id
from graph.permissions import IsAdmin
from graph.scalars import JSON
from graph.specs.types import Spec, SpecInput
from graph.tasks.loaders import status_counts_loader
from store.records import TaskRecord
from store.repositories.workflow_types import StatusCounts as StatusCountsRecord
from store.repositories.workflow_types import WorkerStatistics as WorkerStatisticsRecord
from store.repositories.workflow_types import with_total


@strawberry.type(description="How many items of a task are in each status.")
class StatusCounts:
    to_annotate: int = strawberry.field(description="Items waiting for an annotator.")
    to_validate: int = strawberry.field(description="Items waiting for a validator.")
    to_correct: int = strawberry.field(description="Items sent back to their annotator.")
    done: int = strawberry.field(description="Validated items.")
    discard: int = strawberry.field(description="Discarded items.")
    total: int = strawberry.field(description="All items of the task.")

    @classmethod
    def from_record(cls, record: StatusCountsRecord | None) -> "StatusCounts":
        record = record or with_total({})
        return cls(to_annotate=record["to_annotate"], to_validate=record["to_validate"],
                   to_correct=record["to_correct"], done=record["done"],
                   discard=record["discard"], total=record["total"])


@strawberry.type(description="What one worker did, in one task or in every task: read from the "
                             "results (who annotated and validated each item last) and the "
                             "job history (who held each job, how long).")
class WorkerStatistics:
    username: str = strawberry.field(description="The worker.")
    annotated: int = strawberry.field(
        description="Items whose last annotator they are, submitted (now to validate, to "
                    "correct or done).")
    validated: int = strawberry.field(
        description="Items whose last validator they are, with their verdict given (now done, "
                    "to correct or discarded).")
    time_spent_seconds: float = strawberry.field(
        description="Seconds worked: the time banked by the jobs they held (finished ones, "
                    "and their current jobs; a running job's time counts from its interrupt or "
                    "submit).")

    @classmethod
    def from_record(cls, record: WorkerStatisticsRecord) -> "WorkerStatistics":
        return cls(username=record["username"], annotated=record["annotated"],
                   validated=record["validated"], time_spent_seconds=record["time_spent"])

    @classmethod
    def nothing(cls, username: str) -> "WorkerStatistics":
        return cls(username=username, annotated=0, validated=0, time_spent_seconds=0.0)


@strawberry.type(description="An annotation task: a label specification applied to a dataset. "
                             "Its name is unique and used in URLs.")
class Task(Node):
    name: str = strawberry.field(description="Unique name of the task (natural key).")
    dataset_id: strawberry.Private[str]
    spec_id: strawberry.Private[str]

    @strawberry.field(description="The dataset whose items are annotated.")
    async def dataset(self, info: strawberry.Info) -> Dataset:
        record = await dataset_loader(info.context).load(self.dataset_id)
        if record is None:
            raise ApiError(ErrorCode.NOT_FOUND, f"the dataset of task {self.name!r} is missing")
        return Dataset.from_record(record)

    @strawberry.field(description="The label specification annotators follow.")
    async def spec(self, info: strawberry.Info) -> Spec:
        record = await spec_loader(info.context).load(self.spec_id)
        if record is None:
            raise ApiError(ErrorCode.NOT_FOUND, f"the spec of task {self.name!r} is missing")
        return Spec.from_record(record)

    @strawberry.field(description="Items per status, from counters kept with every transition.")
    async def status_counts(self, info: strawberry.Info) -> StatusCounts:
        return StatusCounts.from_record(await status_counts_loader(info.context).load(self.name))

    @strawberry.field(description="Objects labelled in the task, in all and per category: "
                                  "counters every labels write keeps (no scan of the items).")
    async def label_statistics(self, info: strawberry.Info) -> LabelTotals:
        return LabelTotals.from_totals(await info.context.store.get_label_totals(self.name))

    @strawberry.field(description="Per worker, by username: items annotated and validated, and "
                                  "time spent, in this task (summed by the database). Admins "
                                  "only.", permission_classes=[IsAdmin])
    async def worker_statistics(self, info: strawberry.Info) -> list[WorkerStatistics]:
        return [WorkerStatistics.from_record(record) for record in
                await info.context.store.get_worker_statistics(self.name)]

    @classmethod
    def from_record(cls, record: TaskRecord) -> "Task":
        return cls(name=record["name"], dataset_id=record["dataset_id"], spec_id=record["spec_id"])

    def node_key(self) -> tuple[str, ...]:
        return (self.name,)


@strawberry.input(description="The dataset of a new task, found or created (get-or-create).")
class TaskDatasetInput:
    path: str = strawberry.field(description="Folder relative to the workspace, e.g. 'images/'.")
    data_type: DataType | None = strawberry.field(
        default=None, description="Defaults to the spec's data type; if given, it must be it.")


@strawberry.input(description="A new task: its name, its dataset and its label specification "
                              "(an existing spec of equal content is reused).")
class CreateTaskInput:
    name: str = strawberry.field(
        description="Unique name (1-128 characters, no '/'), used in URLs.")
    dataset: TaskDatasetInput = strawberry.field(description="The folder to annotate.")
    spec: SpecInput = strawberry.field(description="The label specification.")


@strawberry.type(description="The task just created.")
class CreateTaskPayload:
    task: Task = strawberry.field(description="The new task.")


@strawberry.input(description="A task and the new label schema and/or settings of its spec; "
                              "omitted fields stay as they are.")
class UpdateTaskInput:
    name: str = strawberry.field(description="The task's name.")
    label_schema: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="The new label schema (a JSON object).")
    settings: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="null removes the settings.")


@strawberry.type(description="The task as it is after the change.")
class UpdateTaskPayload:
    task: Task = strawberry.field(description="The changed task (its spec may be a new one).")


@strawberry.input(description="The task to delete.")
class DeleteTaskInput:
    name: str = strawberry.field(description="The task's name.")


@strawberry.type(description="The task that no longer exists (with its jobs, results and "
                             "labels), by its ids.")
class DeleteTaskPayload:
    deleted_id: strawberry.ID = strawberry.field(
        description="The global id the task had: evict it from client caches.")
    deleted_task_name: str = strawberry.field(description="The name the task had.")

    @classmethod
    def of(cls, name: str) -> "DeleteTaskPayload":
        return cls(deleted_id=strawberry.ID(encode_global_id(Task.__name__, name)),
                   deleted_task_name=name)

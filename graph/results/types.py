"""GraphQL types of results (DbResult), their filter and their paginated listing."""
from __future__ import annotations

import strawberry

from graph.datasets.loaders import data_item_loader
from graph.datasets.types import DataItem, PageInfo
from graph.enums import LabellingStatus
from graph.tasks.types import StatusCounts
from store.repositories.workflow_types import ResultState


@strawberry.type(description="The workflow state of one data item within a task.")
class Result:
    task_name: str
    data_id: strawberry.ID
    finished_job_ids: list[strawberry.ID] = strawberry.field(description="Oldest first.")
    current_job_id: str = strawberry.field(description="'' once the item is done or discarded.")
    status: LabellingStatus
    cumulated_time: float = strawberry.field(description="Seconds worked on the item, all jobs.")
    annotator: str = strawberry.field(description="Last annotator ('' if none).")
    validator: str = strawberry.field(description="Last validator ('' if none).")
    in_progress: bool = strawberry.field(description="Someone holds the item's current job.")
    dataset_id: strawberry.Private[str]

    @strawberry.field(description="The data item (batched across a page).")
    async def data(self, info: strawberry.Info) -> DataItem | None:
        record = await data_item_loader(info.context).load((self.dataset_id, str(self.data_id)))
        return DataItem.from_record(record) if record else None

    @strawberry.field(description="The item's thumbnail (base64 JPEG), for image items.")
    async def thumbnail(self, info: strawberry.Info) -> str | None:
        record = await data_item_loader(info.context).load((self.dataset_id, str(self.data_id)))
        return record.get("thumbnail") if record else None

    @classmethod
    def from_state(cls, state: ResultState, dataset_id: str) -> "Result":
        return cls(task_name=state["task_name"], data_id=strawberry.ID(state["data_id"]),
                   finished_job_ids=[strawberry.ID(j) for j in state["finished_job_ids"]],
                   current_job_id=state["current_job_id"],
                   status=LabellingStatus(state["status"]),
                   cumulated_time=state["cumulated_time"], annotator=state["annotator"],
                   validator=state["validator"], in_progress=state["in_progress"],
                   dataset_id=dataset_id)


@strawberry.input(description="Which results to keep; all given conditions must hold.")
class ResultFilter:
    status: list[LabellingStatus] | None = strawberry.field(
        default=None, description="Any of these statuses.")
    worker: str | None = strawberry.field(default=None,
                                          description="The item's annotator or validator.")
    annotator: str | None = None
    validator: str | None = None
    in_progress: bool | None = None
    data_id: str | None = strawberry.field(default=None, description="This item only.")


@strawberry.type(description="A page of a task's results, with the task's counters.")
class ResultConnection:
    total_count: int = strawberry.field(description="Results matching the filter.")
    global_count: int = strawberry.field(description="All results of the task.")
    status_counts: StatusCounts = strawberry.field(description="Whole task, per status.")
    items: list[Result]
    page_info: PageInfo

"""GraphQL types of results (DbResult), their filter and their paginated listing."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry

from graph.datasets.loaders import data_item_loader
from graph.datasets.types import DataItem
from graph.enums import LabellingStatus
from graph.jobs.loaders import job_loader
from graph.node import Node
from graph.pagination import Edge, PageInfo
from graph.results.loaders import result_loader
from graph.scalars import JSON
from graph.tasks.types import StatusCounts, Task
from graph.thumbnails import thumbnail_url
from store.repositories.workflow_types import ResultState

if TYPE_CHECKING:
    from graph.jobs.types import Job

UNREAD: Any = object()
T = TypeVar("T")


@strawberry.type(description="The workflow state of one data item within a task.")
class Result(Node):
    task_name: str = strawberry.field(description="The task's name.")
    data_id: strawberry.ID = strawberry.field(description="The item's dataId.")
    finished_job_ids: list[strawberry.ID] = strawberry.field(description="Oldest first.")
    current_job_id: strawberry.ID | None = strawberry.field(
        description="The jobId of the item's current job; null once it is done or discarded.")
    status: LabellingStatus = strawberry.field(description="Where the item stands.")
    cumulated_time_seconds: float = strawberry.field(
        description="Seconds worked on the item, all jobs.")
    annotator: str | None = strawberry.field(description="Last annotator; null if none.")
    validator: str | None = strawberry.field(description="Last validator; null if none.")
    in_progress: bool = strawberry.field(description="Someone holds the item's current job.")
    path: str | list[str] = strawberry.field(
        graphql_type=JSON, description="The data item's path relative to the workspace, e.g. "
                                        "'images/cat.jpg' (a list of paths for pcl_image items).")
    dataset_id: strawberry.Private[str]

    #: The item's data record when the listing read it with the page (UNREAD: ask the loader).
    data_record: strawberry.Private[Any] = UNREAD

    # Plain (not async) resolvers: a value read with the page is returned as is, so a page with
    # thumbnails executes without awaiting anything per item; otherwise the loader's future
    # (batched across the page) is returned and awaited by the executor. Either may come back,
    # so the GraphQL type is given apart from the Python one.
    @strawberry.field(graphql_type=DataItem | None,
                      description="The data item (batched across a page).")
    def data(self, info: strawberry.Info) -> DataItem | None | Awaitable[DataItem | None]:
        if self.data_record is not UNREAD:
            return DataItem.from_record(self.data_record) if self.data_record else None
        return _then(self._load(info), lambda r: DataItem.from_record(r) if r else None)

    @strawberry.field(graphql_type=str | None,
                      description="The item's thumbnail (base64 JPEG), for image items.")
    def thumbnail(self, info: strawberry.Info) -> str | None | Awaitable[str | None]:
        if self.data_record is not UNREAD:
            return self.data_record.get("thumbnail") if self.data_record else None
        return _then(self._load(info), lambda r: r.get("thumbnail") if r else None)

    @strawberry.field(description="The URL of the item's thumbnail (a JPEG, cacheable for good), "
                                  "built without reading the item: a page of results is then "
                                  "one small read. The URL answers 404 for items without one "
                                  "(not images, or unreadable).")
    def thumbnail_url(self) -> str:
        return thumbnail_url(self.dataset_id, str(self.data_id))

    @strawberry.field(description="The item's finished jobs, oldest first (who did what, how "
                                  "long, with which comments).")
    async def history(self, info: strawberry.Info) -> list[
            Annotated["Job", strawberry.lazy("graph.jobs.types")]]:
        from graph.jobs.types import Job  # the module imports this one

        jobs = await job_loader(info.context).load_many(
            [(self.task_name, str(j)) for j in self.finished_job_ids])
        return [Job.from_record(j) for j in jobs if j is not None]

    def _load(self, info: strawberry.Info) -> Awaitable[Any]:
        return data_item_loader(info.context).load((self.dataset_id, str(self.data_id)))

    @classmethod
    def from_state(cls, state: ResultState, dataset_id: str,
                   data_record: Any = UNREAD) -> "Result":
        return cls(task_name=state["task_name"], data_id=strawberry.ID(state["data_id"]),
                   finished_job_ids=[strawberry.ID(j) for j in state["finished_job_ids"]],
                   current_job_id=(strawberry.ID(state["current_job_id"])
                                   if state["current_job_id"] else None),
                   status=LabellingStatus(state["status"]),
                   cumulated_time_seconds=state["cumulated_time"], annotator=state["annotator"] or None,
                   validator=state["validator"] or None, in_progress=state["in_progress"],
                   path=state["path"], dataset_id=dataset_id, data_record=data_record)

    def node_key(self) -> tuple[str, ...]:
        return (self.task_name, str(self.data_id))


async def _then(pending: Awaitable[Any], convert: Callable[[Any], T]) -> T:
    return convert(await pending)


@strawberry.input(description="The original server's legacy filters: a result is kept when the "
                                "field's JSON text (a string in quotes, so '\"alice\"' is alice "
                                "exactly) contains one of the values given for it. Empty strings "
                                "are ignored. Filters on text fields read the whole task (fine up "
                                "to tens of thousands of items); `status` and `inProgress` use the "
                                "indexes.")
class ResultContains:
    status: list[str] | None = strawberry.field(
        default=None, description="The status (lower-case, e.g. 'to_validate') contains one.")
    in_progress: list[str] | None = strawberry.field(
        default=None, description="Compared with 'true' / 'false'.")
    annotator: list[str] | None = strawberry.field(
        default=None, description="The last annotator's name contains one.")
    validator: list[str] | None = strawberry.field(
        default=None, description="The last validator's name contains one.")
    worker: list[str] | None = strawberry.field(default=None,
                                                description="The annotator or the validator.")
    data_id: list[str] | None = strawberry.field(
        default=None, description="The item's dataId contains one.")
    path: list[str] | None = strawberry.field(
        default=None, description="The data item's path relative to the workspace.")
    current_job_id: list[str] | None = strawberry.field(
        default=None, description="The current job's jobId contains one.")


@strawberry.input(description="Which results to keep; all given conditions must hold.")
class ResultFilter:
    status: list[LabellingStatus] | None = strawberry.field(
        default=None, description="Any of these statuses.")
    worker: str | None = strawberry.field(default=None,
                                          description="The item's annotator or validator.")
    annotator: str | None = strawberry.field(default=None, description="The item's last annotator.")
    validator: str | None = strawberry.field(default=None, description="The item's last validator.")
    in_progress: bool | None = strawberry.field(
        default=None, description="true: someone holds the item's job; false: nobody does.")
    data_id: str | None = strawberry.field(default=None, description="This item only.")
    contains: ResultContains | None = strawberry.field(
        default=None, description="Legacy substring filters (see ResultContains).")


@strawberry.type(description="A page of a task's results (Relay connection), with the task's "
                             "counters.")
class ResultConnection:
    total_count: int = strawberry.field(description="Results matching the filter.")
    global_count: int = strawberry.field(description="All results of the task.")
    status_counts: StatusCounts = strawberry.field(description="Whole task, per status.")
    edges: list[Edge[Result]] = strawberry.field(
        description="The results of this page with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page starts and ends.")

    @strawberry.field(description="The results of this page (the edges' nodes).")
    def nodes(self) -> list[Result]:
        return [edge.node for edge in self.edges]


async def results_of(info: strawberry.Info, task: Task, data_ids: list[str]) -> list[Result]:
    """The results of these items of `task` as they are now, in the order given: one batched
    read however many (the batches' payloads offer them for any batch size)."""
    states = await result_loader(info.context).load_many([(task.name, d) for d in data_ids])
    return [Result.from_state(s, task.dataset_id) for s in states if s is not None]


@strawberry.input(description="Items of a task to move to a new status (or only unassign), by "
                              "dataId.")
class UpdateResultsInput:
    task_name: str = strawberry.field(description="The task's name.")
    data_ids: list[strawberry.ID] = strawberry.field(description="The dataIds of the items.")
    status: LabellingStatus | None = strawberry.field(
        default=None, description="The items' new status (a new job is created unless "
                                  "done/discard); omitted: only unassign them.")


@strawberry.type(description="What `updateResults` did: how many items changed, and where the "
                             "task and the items stand now.")
class UpdateResultsPayload:
    count: int = strawberry.field(description="How many items changed.")
    task: Task = strawberry.field(description="The task (its statusCounts as they are now).")
    data_ids: strawberry.Private[list[str]]

    @strawberry.field(description="The items' results as they are now, in the order given "
                                  "(read at once, whatever the batch's size).")
    async def results(self, info: strawberry.Info) -> list[Result]:
        return await results_of(info, self.task, self.data_ids)

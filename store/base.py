"""`Store`: the one interface resolvers use, whatever the engine behind it.

A store is a composition: each engine builds one object per repository (users, login throttle,
datasets, specs, tasks, jobs, results, labels, dump, events), each holding the engine's database
handle and implementing one interface of store/repositories/; a repository that needs another
(the MongoDB jobs need the tasks' counters and the labels' writer) gets it in its constructor.
`Store` delegates every operation to the repository that owns it, explicitly, so "which class
runs `claim_job`" is answered by reading this file and the engine's constructor.
"""
from __future__ import annotations

from abc import abstractmethod
from collections.abc import AsyncIterable, AsyncIterator, Mapping, Sequence
from typing import Any

from store.records import (
    DataRecord,
    DatasetRecord,
    LabelRecord,
    LabelStatisticsRecord,
    SpecRecord,
    TaskRecord,
    UserRecord,
)
from store.repositories.datasets import DataPage, DatasetRepository, DeleteOutcome
from store.repositories.dump import DUMP_BATCH, DumpEntry, DumpRepository
from store.repositories.events import EventRecord, EventRepository, NewEvent
from store.repositories.specs import SpecRepository
from store.repositories.throttle import LoginThrottleRepository
from store.repositories.users import UserRepository
from store.repositories.workflow import (
    KEEP,
    Assignments,
    JobRepository,
    LabelRepository,
    ResultRepository,
    TaskRepository,
)
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


class Store(UserRepository, LoginThrottleRepository, DatasetRepository, SpecRepository,
            TaskRepository, JobRepository, ResultRepository, LabelRepository, DumpRepository,
            EventRepository):
    """All repositories, each delegated to the engine's object for it, plus the lifecycle every
    engine implements."""

    #: "sqlite" or "mongodb", shown by /healthz and the CLI.
    engine: str

    def __init__(self, *, users: UserRepository, throttle: LoginThrottleRepository,
                 datasets: DatasetRepository, specs: SpecRepository, tasks: TaskRepository,
                 jobs: JobRepository, results: ResultRepository, labels: LabelRepository,
                 dumps: DumpRepository, events: EventRepository) -> None:
        self._users = users
        self._throttle = throttle
        self._datasets = datasets
        self._specs = specs
        self._tasks = tasks
        self._jobs = jobs
        self._results = results
        self._labels = labels
        self._dumps = dumps
        self._events = events

    # -- lifecycle ---------------------------------------------------------------------------------

    @abstractmethod
    async def open(self) -> None:
        """Connect, create tables/indexes, check the stored version and migrate it.

        Raises StoreUnavailableError when the database cannot be reached or written, and
        StoreVersionError when it was written by a newer version.
        """

    @abstractmethod
    async def close(self) -> None:
        """Release connections and threads; the store cannot be used afterwards."""

    @abstractmethod
    async def health(self) -> dict[str, Any]:
        """A cheap round trip to the database: `{"engine", "version", ...}`; raises when down."""

    def counters(self) -> dict[str, int]:
        """This process's store counters for `/metrics`: `reads`, `lookups`, `writes` (calls
        made), `commits` (durable commits), `acknowledged` (writes answered after one) and
        `pending` (writes waiting for one). An engine that does not count returns {}."""
        return {}

    @abstractmethod
    async def stored_version(self) -> int:
        """The schema version recorded in the database (the `v` key, DbVersion)."""

    # -- UserRepository ----------------------------------------------------------------------------

    async def get_user(self, username: str) -> UserRecord | None:
        return await self._users.get_user(username)

    async def list_users(self) -> list[UserRecord]:
        return await self._users.list_users()

    async def count_users(self) -> int:
        return await self._users.count_users()

    async def create_user(self, user: UserRecord) -> None:
        await self._users.create_user(user)

    async def update_user(self, username: str, changes: dict[str, Any]) -> UserRecord | None:
        return await self._users.update_user(username, changes)

    async def delete_user(self, username: str) -> bool:
        return await self._users.delete_user(username)

    async def revoke_session(self, username: str, session_id: str, expires_at: float,
                             now: float) -> int | None:
        return await self._users.revoke_session(username, session_id, expires_at, now)

    # -- LoginThrottleRepository -------------------------------------------------------------------

    async def login_locked_until(self, keys: list[str]) -> float:
        return await self._throttle.login_locked_until(keys)

    async def record_login_failure(self, key: str, now: float, window: float) -> int:
        return await self._throttle.record_login_failure(key, now, window)

    async def lock_login(self, key: str, until: float) -> None:
        await self._throttle.lock_login(key, until)

    async def clear_login_failures(self, key: str) -> None:
        await self._throttle.clear_login_failures(key)

    # -- DatasetRepository -------------------------------------------------------------------------

    async def create_dataset(self, dataset: DatasetRecord,
                             batches: AsyncIterable[Sequence[DataRecord]]) -> int:
        return await self._datasets.create_dataset(dataset, batches)

    async def get_dataset(self, dataset_id: str) -> DatasetRecord | None:
        return await self._datasets.get_dataset(dataset_id)

    async def get_datasets(self, dataset_ids: Sequence[str]) -> list[DatasetRecord | None]:
        return await self._datasets.get_datasets(dataset_ids)

    async def find_dataset(self, path: str, data_type: str) -> DatasetRecord | None:
        return await self._datasets.find_dataset(path, data_type)

    async def list_datasets(self) -> list[DatasetRecord]:
        return await self._datasets.list_datasets()

    async def count_data_items(self, dataset_ids: Sequence[str]) -> list[int]:
        return await self._datasets.count_data_items(dataset_ids)

    async def delete_dataset(self, dataset_id: str) -> DeleteOutcome:
        return await self._datasets.delete_dataset(dataset_id)

    async def list_data_ids(self, dataset_id: str) -> list[str]:
        return await self._datasets.list_data_ids(dataset_id)

    async def get_data_items(self, dataset_id: str, ids: Sequence[str]) -> list[DataRecord | None]:
        return await self._datasets.get_data_items(dataset_id, ids)

    async def list_data_items(self, dataset_id: str, first: int, after_order: int | None = None,
                              backward: bool = False) -> DataPage:
        return await self._datasets.list_data_items(dataset_id, first, after_order, backward)

    # -- SpecRepository ----------------------------------------------------------------------------

    async def create_spec(self, spec: SpecRecord) -> SpecRecord:
        return await self._specs.create_spec(spec)

    async def get_or_create_spec(self, spec: SpecRecord) -> tuple[SpecRecord, bool]:
        return await self._specs.get_or_create_spec(spec)

    async def find_equal_spec(self, spec: SpecRecord | dict[str, Any]) -> SpecRecord | None:
        return await self._specs.find_equal_spec(spec)

    async def get_spec(self, spec_id: str) -> SpecRecord | None:
        return await self._specs.get_spec(spec_id)

    async def get_specs(self, spec_ids: Sequence[str]) -> list[SpecRecord | None]:
        return await self._specs.get_specs(spec_ids)

    async def list_specs(self) -> list[SpecRecord]:
        return await self._specs.list_specs()

    async def update_spec(self, spec_id: str, label_schema: Any,
                          settings: Any) -> SpecRecord | None:
        return await self._specs.update_spec(spec_id, label_schema, settings)

    async def delete_spec(self, spec_id: str) -> DeleteOutcome:
        return await self._specs.delete_spec(spec_id)

    # -- TaskRepository ----------------------------------------------------------------------------

    async def count_tasks_using(self, *, dataset_id: str | None = None,
                                spec_id: str | None = None) -> int:
        return await self._tasks.count_tasks_using(dataset_id=dataset_id, spec_id=spec_id)

    async def create_task(self, task: TaskRecord, data_ids: Sequence[str], now: float,
                          progress: ProgressCallback | None = None,
                          seeds: Mapping[str, ItemSeed] | None = None) -> None:
        await self._tasks.create_task(task, data_ids, now, progress, seeds)

    async def get_task(self, name: str) -> TaskRecord | None:
        return await self._tasks.get_task(name)

    async def list_tasks(self) -> list[TaskRecord]:
        return await self._tasks.list_tasks()

    async def set_task_spec(self, name: str, spec_id: str) -> TaskRecord | None:
        return await self._tasks.set_task_spec(name, spec_id)

    async def delete_task(self, name: str) -> bool:
        return await self._tasks.delete_task(name)

    async def get_status_counts(self, names: Sequence[str]) -> list[StatusCounts | None]:
        return await self._tasks.get_status_counts(names)

    # -- JobRepository -----------------------------------------------------------------------------

    async def claim_job(self, task_name: str, username: str, objective: str, now: float,
                        lease: float) -> JobView | None:
        return await self._jobs.claim_job(task_name, username, objective, now, lease)

    async def update_job(self, task_name: str, job_id: str, username: str, action: JobAction,
                         now: float, status: str | None = None, comments: Any = KEEP,
                         annotations: Any = KEEP) -> JobUpdate:
        return await self._jobs.update_job(task_name, job_id, username, action, now, status,
                                           comments, annotations)

    async def get_job(self, task_name: str, job_id: str) -> JobView | None:
        return await self._jobs.get_job(task_name, job_id)

    async def get_jobs(self, task_name: str, job_ids: Sequence[str]) -> list[JobView | None]:
        return await self._jobs.get_jobs(task_name, job_ids)

    async def reset_items(self, task_name: str, ids: Sequence[str], *, by_job: bool,
                          status: str | None, now: float) -> BatchOutcome:
        return await self._jobs.reset_items(task_name, ids, by_job=by_job, status=status, now=now)

    async def get_assignments(self, usernames: Sequence[str]) -> list[Assignments]:
        return await self._jobs.get_assignments(usernames)

    # -- ResultRepository --------------------------------------------------------------------------

    async def get_result(self, task_name: str, data_id: str) -> ResultState | None:
        return await self._results.get_result(task_name, data_id)

    async def get_results(self, task_name: str,
                          data_ids: Sequence[str]) -> list[ResultState | None]:
        return await self._results.get_results(task_name, data_ids)

    async def list_results(self, task_name: str, filter: ResultFilter, sort: ResultSort,
                           first: int, after: str | None = None, offset: int = 0,
                           with_data: bool = False, backward: bool = False) -> ResultPage:
        return await self._results.list_results(task_name, filter, sort, first, after, offset,
                                                with_data, backward)

    async def adjacent_result(self, anchor: ResultState, filter: ResultFilter, sort: ResultSort,
                              forward: bool) -> ResultState | None:
        return await self._results.adjacent_result(anchor, filter, sort, forward)

    # -- LabelRepository ---------------------------------------------------------------------------

    async def get_labels(self, task_name: str, data_id: str) -> LabelRecord | None:
        return await self._labels.get_labels(task_name, data_id)

    async def get_labels_many(self, task_name: str,
                              data_ids: Sequence[str]) -> list[LabelRecord | None]:
        return await self._labels.get_labels_many(task_name, data_ids)

    async def get_label_statistics(self, task_name: str,
                                   data_id: str) -> LabelStatisticsRecord | None:
        return await self._labels.get_label_statistics(task_name, data_id)

    async def get_label_totals(self, task_name: str) -> dict[str, Any]:
        return await self._labels.get_label_totals(task_name)

    async def get_worker_statistics(self, task_name: str | None = None,
                                    username: str | None = None) -> list[WorkerStatistics]:
        return await self._results.get_worker_statistics(task_name, username)

    async def save_labels(self, task_name: str, data_id: str, annotations: Any, username: str,
                          is_admin: bool, now: float, grace: float = 0.0) -> LabelsSave:
        return await self._labels.save_labels(task_name, data_id, annotations, username, is_admin,
                                              now,
                                              grace)

    # -- DumpRepository ----------------------------------------------------------------------------

    def dump(self, batch_size: int = DUMP_BATCH) -> AsyncIterator[list[DumpEntry]]:
        return self._dumps.dump(batch_size)

    async def dump_is_consistent(self) -> bool:
        return await self._dumps.dump_is_consistent()

    async def load(self, batches: AsyncIterable[Sequence[Any]],
                   progress: ProgressCallback | None = None) -> dict[str, int]:
        return await self._dumps.load(batches, progress)

    async def read_meta(self, key: str) -> Any:
        return await self._dumps.read_meta(key)

    # -- EventRepository ---------------------------------------------------------------------------

    async def append_events(self, events: Sequence[NewEvent]) -> list[int]:
        return await self._events.append_events(events)

    async def events_after(self, cursor: int, limit: int) -> list[EventRecord]:
        return await self._events.events_after(cursor, limit)

    async def last_event_seq(self) -> int:
        return await self._events.last_event_seq()

    async def prune_events(self, before: float) -> int:
        return await self._events.prune_events(before)

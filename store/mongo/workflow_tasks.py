"""Tasks on the MongoDB engine.

Creation without multi-document transactions: the task document is inserted first, `ready: false`
(its unique name is the lock: a concurrent creation of the same name fails at once), then results
and labels in batches, then `ready: true`. Readers only see ready tasks; if anything fails, every
document of the task is removed. A process killed mid-creation leaves a not-ready task that
blocks its name until `deleteTask` removes it (documented in docs/workflow.md).

Status counters live on the task document and are `$inc`-ed with each winning transition, in its
transaction on a replica set (store/mongo/transitions.py). On a standalone server a process killed
between the two writes would leave a counter off by one: `repair_counts`, run at every open,
recounts each task from its results (five index-only counts per task).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pymongo.errors import BulkWriteError
from pymongo.errors import DuplicateKeyError as MongoDuplicateKeyError

from store.errors import DuplicateKeyError
from store.records import LABELLING_STATUSES, TaskRecord
from store.repositories.workflow import TaskRepository, check_new_items
from store.repositories.workflow_types import (
    FRESH_ITEM,
    ItemSeed,
    ProgressCallback,
    StatusCounts,
    UnknownTaskError,
    add_statistics,
    empty_counts,
    label_statistics,
    new_job_id,
    relative_data_path,
    with_total,
)

from store.mongo.label_totals import TOTALS, totals_document

TASK_FIELDS = {"_id": 0, "name": 1, "spec_id": 1, "dataset_id": 1}
BATCH = 2000
#: Collections holding one task's workflow documents, removed with it.
TASK_COLLECTIONS = ("results", "jobs", "labels")


def result_document(task_name: str, data_id: str, order: int, now: float,
                    seed: ItemSeed = FRESH_ITEM, path: str | list[str] = "") -> dict[str, Any]:
    return {
        "task_name": task_name, "data_id": data_id, "ord": order, "status": seed.status,
        "lane": seed.lane, "current_job_id": new_job_id() if seed.has_job else "",
        "finished_job_ids": [], "cumulated_time": float(seed.cumulated_time),
        "annotator": seed.annotator, "validator": seed.validator, "holder": "",
        "queued_for": seed.queued_for, "start_at": 0.0, "job_duration": 0.0,
        "last_update_at": now, "comments": None, "ended_by": "", "ended_at": 0.0,
        "path": path,
    }


def labels_document(task_name: str, data_id: str, seed: ItemSeed = FRESH_ITEM) -> dict[str, Any]:
    return {"task_name": task_name, "data_id": data_id, "annotations": seed.annotations,
            "statistics": label_statistics(seed.annotations)}


class MongoTasks(TaskRepository):
    def __init__(self, db: Any) -> None:
        """`db`: a Motor database (or mongomock-motor's)."""
        self._db = db

    async def count_tasks_using(self, *, dataset_id: str | None = None,
                                spec_id: str | None = None) -> int:
        query = {"dataset_id": dataset_id} if dataset_id is not None else {"spec_id": spec_id}
        return await self._db.tasks.count_documents(query)

    async def create_task(self, task: TaskRecord, data_ids: Sequence[str], now: float,
                          progress: ProgressCallback | None = None,
                          seeds: Mapping[str, ItemSeed] | None = None) -> None:
        check_new_items(data_ids, seeds)
        name = task["name"]
        seeds = seeds or {}
        counts = empty_counts()
        totals: dict[str, Any] = {"objects": 0, "categories": {}}
        for data_id in data_ids:
            seed = seeds.get(data_id, FRESH_ITEM)
            counts[seed.status] += 1
            add_statistics(totals, label_statistics(seed.annotations))
        try:
            await self._db.tasks.insert_one({"name": name, "spec_id": task["spec_id"],
                                             "dataset_id": task["dataset_id"], "ready": False,
                                             "counts": counts, TOTALS: totals_document(totals)})
        except MongoDuplicateKeyError as exc:
            raise DuplicateKeyError(f"task {name!r} already exists") from exc
        try:
            await self._remove_documents(name)  # leftovers of a delete killed half-way
            for start in range(0, len(data_ids), BATCH):
                batch = data_ids[start:start + BATCH]
                paths = await self._relative_paths(task["dataset_id"], batch)
                await self._db.results.insert_many(
                    [result_document(name, d, start + i, now, seeds.get(d, FRESH_ITEM),
                                     paths.get(d, ""))
                     for i, d in enumerate(batch)])
                await self._db.labels.insert_many(
                    [labels_document(name, d, seeds.get(d, FRESH_ITEM)) for d in batch])
                if progress is not None:
                    progress(len(batch))
            await self._db.tasks.update_one({"name": name}, {"$set": {"ready": True}})
        except BaseException as exc:
            await self._remove_documents(name)
            await self._db.tasks.delete_one({"name": name})
            if isinstance(exc, (MongoDuplicateKeyError, BulkWriteError)):
                raise DuplicateKeyError(f"task {name!r}: a data id or job id repeats") from exc
            raise

    async def _relative_paths(self, dataset_id: str,
                              ids: Sequence[str]) -> dict[str, str | list[str]]:
        """Each data item's workspace-relative path(s), copied onto its result (DbResult.path)."""
        found = self._db.data.find({"dataset_id": dataset_id, "id": {"$in": list(ids)}},
                                   {"_id": 0, "id": 1, "path": 1})
        return {doc["id"]: relative_data_path(doc.get("path")) async for doc in found}

    async def _remove_documents(self, name: str) -> None:
        for collection in TASK_COLLECTIONS:
            await self._db[collection].delete_many({"task_name": name})

    async def get_task(self, name: str) -> TaskRecord | None:
        return await self._db.tasks.find_one({"name": name, "ready": True}, TASK_FIELDS)

    async def list_tasks(self) -> list[TaskRecord]:
        return await self._db.tasks.find({"ready": True}, TASK_FIELDS).sort("name", 1).to_list(None)

    async def set_task_spec(self, name: str, spec_id: str) -> TaskRecord | None:
        from pymongo import ReturnDocument

        return await self._db.tasks.find_one_and_update(
            {"name": name, "ready": True}, {"$set": {"spec_id": spec_id}}, projection=TASK_FIELDS,
            return_document=ReturnDocument.AFTER)

    async def delete_task(self, name: str) -> bool:
        # The task disappears first, so no reader finds a task whose items are going away.
        deleted = (await self._db.tasks.delete_one({"name": name})).deleted_count > 0
        await self._remove_documents(name)
        return deleted

    async def get_status_counts(self, names: Sequence[str]) -> list[StatusCounts | None]:
        found = {doc["name"]: with_total(doc["counts"]) async for doc in self._db.tasks.find(
            {"name": {"$in": list(set(names))}, "ready": True}, {"_id": 0, "name": 1, "counts": 1})}
        return [found.get(name) for name in names]

    async def repair_counts(self) -> list[str]:
        """Recount every task's statuses from its results and fix the counters that drifted;
        the names of the repaired tasks."""
        repaired = []
        async for task in self._db.tasks.find({"ready": True}, {"_id": 0, "name": 1, "counts": 1}):
            name = task["name"]
            actual = {status: await self._db.results.count_documents(
                {"task_name": name, "status": status}) for status in LABELLING_STATUSES}
            if actual != {s: task["counts"].get(s, 0) for s in LABELLING_STATUSES}:
                await self._db.tasks.update_one({"name": name}, {"$set": {"counts": actual}})
                repaired.append(name)
        return repaired

    async def require_task(self, task_name: str) -> None:
        """UnknownTaskError unless the task exists: asked only once a conditional update matched
        nothing, so a successful call costs no lookup."""
        if await self.get_task(task_name) is None:
            raise UnknownTaskError(task_name)

    async def shift_counts(self, task_name: str, deltas: dict[str, int],
                           session: Any = None) -> None:
        """Apply per-status deltas to the task's counters (right after the winning updates, in
        their transaction when `session` holds one: store/mongo/transitions.py)."""
        inc = {f"counts.{s}": d for s, d in deltas.items() if d and s in LABELLING_STATUSES}
        if inc:
            await self._db.tasks.update_one({"name": task_name}, {"$inc": inc}, session=session)

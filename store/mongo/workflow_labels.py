"""Labels and label statistics on the MongoDB engine (one document: a save writes both)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from store.mongo.workflow_docs import set_and
from store.mongo.workflow_tasks import MongoTasks
from store.records import LabelRecord, LabelStatisticsRecord
from store.repositories.workflow import LabelRepository
from store.repositories.workflow_types import (
    LabelsOutcome,
    LabelsSave,
    add_statistics,
    label_statistics,
)


class MongoLabels(LabelRepository):
    def __init__(self, db: Any, tasks: MongoTasks) -> None:
        """`db`: a Motor database; `tasks` says whether a task exists (an unknown item's save)."""
        self._db = db
        self._tasks = tasks

    async def get_labels(self, task_name: str, data_id: str) -> LabelRecord | None:
        return await self._db.labels.find_one({"task_name": task_name, "data_id": data_id},
                                              {"_id": 0, "statistics": 0})

    async def get_labels_many(self, task_name: str,
                              data_ids: Sequence[str]) -> list[LabelRecord | None]:
        found = {doc["data_id"]: doc async for doc in self._db.labels.find(
            {"task_name": task_name, "data_id": {"$in": list(set(data_ids))}},
            {"_id": 0, "statistics": 0})}
        return [found.get(data_id) for data_id in data_ids]

    async def get_label_statistics(self, task_name: str,
                                   data_id: str) -> LabelStatisticsRecord | None:
        doc = await self._db.labels.find_one({"task_name": task_name, "data_id": data_id},
                                             {"_id": 0, "statistics": 1})
        if doc is None:
            return None
        return LabelStatisticsRecord(task_name=task_name, data_id=data_id, value=doc["statistics"])

    async def write_labels(self, task_name: str, data_id: str, annotations: Any) -> None:
        """Replace the item's labels and their statistics (one document, one write)."""
        await self._db.labels.update_one(
            {"task_name": task_name, "data_id": data_id},
            {"$set": {"annotations": annotations, "statistics": label_statistics(annotations)}},
            upsert=True)

    async def get_label_totals(self, task_name: str) -> dict[str, Any]:
        # Summed here from the statistics alone (projection): a pipeline with $objectToArray
        # would do the same on the server, at the same cost per item.
        totals: dict[str, Any] = {"objects": 0, "categories": {}}
        async for doc in self._db.labels.find({"task_name": task_name},
                                              {"_id": 0, "statistics": 1}):
            add_statistics(totals, doc["statistics"])
        totals["categories"] = dict(sorted(totals["categories"].items()))
        return totals

    async def save_labels(self, task_name: str, data_id: str, annotations: Any, username: str,
                          is_admin: bool, now: float, grace: float = 0.0) -> LabelsSave:
        # One conditional update decides: the holder (whose save refreshes their lease, so
        # nobody else can take the item before the write lands), or the user who ended the
        # item's latest job within the grace period while nobody holds it.
        touched = await self._db.results.find_one_and_update(
            {"task_name": task_name, "data_id": data_id, "$or": [
                {"holder": set_and(username)},
                {"holder": "", "ended_by": set_and(username), "ended_at": {"$gte": now - grace}}]},
            [{"$set": {"last_update_at": {
                "$cond": [{"$eq": ["$holder", username]}, now, "$last_update_at"]}}}],
            projection={"_id": 1})
        if touched is None:
            result = await self._db.results.find_one({"task_name": task_name, "data_id": data_id},
                                                     {"_id": 0, "holder": 1})
            if result is None:
                await self._tasks.require_task(task_name)
                return LabelsSave(LabelsOutcome.NOT_FOUND)
            if not is_admin:
                return LabelsSave(LabelsOutcome.FORBIDDEN, holder=result["holder"])
        await self.write_labels(task_name, data_id, annotations)
        return LabelsSave(LabelsOutcome.SAVED, LabelRecord(
            task_name=task_name, data_id=data_id, annotations=annotations))

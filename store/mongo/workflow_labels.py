"""Labels and label statistics on the MongoDB engine (one document: a save writes both), and
the label statistics summed per task.

The per-task totals live on the task document (`label_totals: {objects, categories: {key: n}}`,
keys from `category_key`) and are `$inc`-ed right after each labels write, by the difference
between the statistics the write replaced (returned by that same atomic write) and the new ones:
concurrent saves of one item each shift the totals by exactly what they changed. As with the
status counters, a process killed between the two writes leaves them off: `repair_label_totals`,
run at every open, counts them again from the labels (two aggregations).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from store.mongo.label_totals import TOTALS, category_name, nonzero, set_label_totals, totals_shift
from store.mongo.workflow_docs import set_and
from store.mongo.workflow_tasks import MongoTasks
from store.records import LabelRecord, LabelStatisticsRecord
from store.repositories.workflow import LabelRepository
from store.repositories.workflow_types import (
    LabelsOutcome,
    LabelsSave,
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
        """Replace the item's labels and their statistics (one document, one write), then
        shift the task's totals by what that write changed."""
        statistics = label_statistics(annotations)
        before = await self._db.labels.find_one_and_update(
            {"task_name": task_name, "data_id": data_id},
            {"$set": {"annotations": annotations, "statistics": statistics}},
            projection={"_id": 0, "statistics": 1}, upsert=True)  # the document before
        inc = totals_shift((before or {}).get("statistics"), statistics)
        if inc:
            await self._db.tasks.update_one({"name": task_name}, {"$inc": inc})

    async def get_label_totals(self, task_name: str) -> dict[str, Any]:
        doc = await self._db.tasks.find_one({"name": task_name, "ready": True},
                                            {"_id": 0, TOTALS: 1})
        stored = nonzero((doc or {}).get(TOTALS))
        return {"objects": int(stored["objects"]), "categories": {
            name: int(n) for name, n in sorted(
                (category_name(k), n) for k, n in stored["categories"].items())}}

    async def repair_label_totals(self) -> list[str]:
        """Count every task's label totals again from its labels and fix those that drifted;
        the names of the repaired tasks."""
        return await set_label_totals(self._db.labels, self._db.tasks)

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

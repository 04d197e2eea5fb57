"""Labels and label statistics on the embedded engine (one row: a save writes both; the
per-task totals follow in the same transaction, by the triggers of store/sqlite/schema.py)."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from store.records import LabelRecord, LabelStatisticsRecord
from store.repositories.workflow import LabelRepository
from store.repositories.workflow_types import LabelsOutcome, LabelsSave
from store.sqlite.database import SqliteDatabase
from store.sqlite.workflow_claims import require_task
from store.sqlite.in_lists import select_in
from store.sqlite.workflow_rows import write_labels

#: Who may save, decided in the one conditional write: the holder (whose save refreshes their
#: lease), or the user who ended the item's latest job, within the grace period (`:since` = now -
#: grace) and while nobody holds the item. A claim racing with it is serialised by the write.
SAVE_ALLOWED = (
    "UPDATE results SET last_update_at = CASE WHEN holder = :u THEN :now ELSE last_update_at END"
    " WHERE task_name = :t AND data_id = :d AND ((holder = :u AND holder != '')"
    " OR (holder = '' AND ended_by = :u AND ended_by != '' AND ended_at >= :since))"
    " RETURNING holder"
)


class SqliteLabels(LabelRepository):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def get_labels(self, task_name: str, data_id: str) -> LabelRecord | None:
        row = await self._db.read(lambda c: c.execute(
            "SELECT annotations FROM labels WHERE task_name = ? AND data_id = ?",
            (task_name, data_id)).fetchone())
        if row is None:
            return None
        return LabelRecord(task_name=task_name, data_id=data_id, annotations=json.loads(row[0]))

    async def get_labels_many(self, task_name: str,
                              data_ids: Sequence[str]) -> list[LabelRecord | None]:
        found: dict[str, str] = await self._db.read(lambda c: dict(select_in(
            c, "SELECT data_id, annotations FROM labels WHERE task_name = ? AND data_id IN ({marks})",
            (task_name,), data_ids)))
        return [None if data_id not in found else LabelRecord(
            task_name=task_name, data_id=data_id, annotations=json.loads(found[data_id]))
            for data_id in data_ids]

    async def get_label_statistics(self, task_name: str,
                                   data_id: str) -> LabelStatisticsRecord | None:
        row = await self._db.read(lambda c: c.execute(
            "SELECT statistics FROM labels WHERE task_name = ? AND data_id = ?",
            (task_name, data_id)).fetchone())
        if row is None:
            return None
        return LabelStatisticsRecord(task_name=task_name, data_id=data_id, value=json.loads(row[0]))

    async def get_label_totals(self, task_name: str) -> dict[str, Any]:
        # The counters the triggers on `labels` keep (store/sqlite/schema.py): one row per
        # category, whatever the number of items.
        rows = await self._db.read(lambda c: c.execute(
            "SELECT kind, category, count FROM label_totals WHERE task_name = ? AND count != 0"
            " ORDER BY kind, category", (task_name,)).fetchall())
        totals: dict[str, Any] = {"objects": 0, "categories": {}}
        for kind, category, count in rows:
            if kind == "objects":
                totals["objects"] = count
            else:
                totals["categories"][category] = count
        return totals

    async def save_labels(self, task_name: str, data_id: str, annotations: Any, username: str,
                          is_admin: bool, now: float, grace: float = 0.0) -> LabelsSave:
        params = {"t": task_name, "d": data_id, "u": username, "now": now, "since": now - grace}

        def save(c: sqlite3.Connection) -> LabelsSave:
            if c.execute(SAVE_ALLOWED, params).fetchone() is None:
                row = c.execute("SELECT holder FROM results WHERE task_name = :t AND data_id = :d",
                                params).fetchone()
                if row is None:
                    require_task(c, task_name)
                    return LabelsSave(LabelsOutcome.NOT_FOUND)
                if not is_admin:
                    return LabelsSave(LabelsOutcome.FORBIDDEN, holder=row[0])
            write_labels(c, task_name, data_id, annotations)
            return LabelsSave(LabelsOutcome.SAVED, LabelRecord(
                task_name=task_name, data_id=data_id, annotations=annotations))

        return await self._db.write(save)

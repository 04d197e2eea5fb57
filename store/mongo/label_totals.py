"""Label statistics summed per task on the MongoDB engine: kept on the task document
(`label_totals: {objects, categories: {key: n}}`), `$inc`-ed by every labels write
(store/mongo/workflow_labels.py), set at a task's creation (store/mongo/workflow_tasks.py), and
counted from the labels at open, on restore and by the version 4 migration (`set_label_totals`).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import unquote


#: The task document's field holding its label totals.
TOTALS = "label_totals"


def category_key(name: str) -> str:
    """A category's name as a field name `$inc` can address: ':' then the name with '%', '.'
    and '$' percent-encoded (a category may be '' or hold dots)."""
    return ":" + name.replace("%", "%25").replace(".", "%2E").replace("$", "%24")


def category_name(key: str) -> str:
    return unquote(key[1:])


def totals_document(totals: dict[str, Any]) -> dict[str, Any]:
    """`{"objects": n, "categories": {name: n}}` as stored on the task document."""
    return {"objects": totals["objects"],
            "categories": {category_key(n): c for n, c in totals["categories"].items()}}


def totals_shift(before: Any, after: dict[str, Any]) -> dict[str, int]:
    """The `$inc` of a labels write that replaced the statistics `before` (None: no labels)."""
    before = before if isinstance(before, dict) else {}
    inc: dict[str, int] = {}
    objects = int(after.get("objects", 0)) - int(before.get("objects", 0))
    if objects:
        inc[f"{TOTALS}.objects"] = objects
    old, new = before.get("categories") or {}, after.get("categories") or {}
    for name in {*old, *new}:
        delta = int(new.get(name, 0)) - int(old.get(name, 0))
        if delta:
            inc[f"{TOTALS}.categories.{category_key(name)}"] = delta
    return inc


async def count_label_totals(labels: Any) -> dict[str, dict[str, Any]]:
    """Every task's label totals counted from a labels collection, in the database."""
    totals: dict[str, dict[str, Any]] = {}
    async for row in labels.aggregate([
            {"$group": {"_id": "$task_name", "n": {"$sum": "$statistics.objects"}}}]):
        totals[row["_id"]] = {"objects": int(row["n"]), "categories": {}}
    async for row in labels.aggregate([
            {"$project": {"task_name": 1, "c": {"$objectToArray": "$statistics.categories"}}},
            {"$unwind": "$c"},
            {"$group": {"_id": {"t": "$task_name", "k": "$c.k"}, "n": {"$sum": "$c.v"}}}]):
        task = totals.setdefault(row["_id"]["t"], {"objects": 0, "categories": {}})
        if row["n"]:
            task["categories"][row["_id"]["k"]] = int(row["n"])
    return totals


async def set_label_totals(labels: Any, tasks: Any) -> list[str]:
    """Count every task's label totals from `labels` and store those that differ on `tasks`;
    the names of the tasks changed."""
    counted = await count_label_totals(labels)
    changed = []
    async for task in tasks.find({}, {"_id": 0, "name": 1, TOTALS: 1}):
        actual = totals_document(counted.get(task["name"], {"objects": 0, "categories": {}}))
        if nonzero(task.get(TOTALS)) != nonzero(actual):
            await tasks.update_one({"name": task["name"]}, {"$set": {TOTALS: actual}})
            changed.append(task["name"])
    return changed


def nonzero(stored: Any) -> dict[str, Any]:
    """Stored totals without the categories fallen to 0 (they read as absent)."""
    stored = stored if isinstance(stored, dict) else {}
    return {"objects": stored.get("objects", 0),
            "categories": {k: n for k, n in (stored.get("categories") or {}).items() if n}}

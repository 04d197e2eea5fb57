"""GraphQL types of labels (DbLabel) and label statistics (DbLabelStatistics)."""
from __future__ import annotations

from typing import Any

import strawberry

from graph.node import Node
from graph.scalars import JSON
from store.records import LabelRecord, LabelStatisticsRecord


@strawberry.type(description="The annotations of one data item within a task.")
class Labels(Node):
    task_name: str = strawberry.field(description="The task's name.")
    data_id: strawberry.ID = strawberry.field(description="The item's dataId.")
    annotations: JSON = strawberry.field(
        description="Free JSON, usually a list of objects (id, category, geometry, options …).")

    @classmethod
    def from_record(cls, record: LabelRecord) -> "Labels":
        return cls(task_name=record["task_name"], data_id=strawberry.ID(record["data_id"]),
                   annotations=record["annotations"])

    def node_key(self) -> tuple[str, ...]:
        return (self.task_name, str(self.data_id))


@strawberry.type(description="How many objects of one category.")
class CategoryCount:
    category: str = strawberry.field(description="The category's name.")
    count: int = strawberry.field(description="Objects of that category.")


@strawberry.type(description="A summary of an item's labels, refreshed by every save.")
class LabelStatistics(Node):
    task_name: str = strawberry.field(description="The task's name.")
    data_id: strawberry.ID = strawberry.field(description="The item's dataId.")
    value: strawberry.Private[Any]  # {"objects": n, "categories": {name: n}} as stored

    @strawberry.field(description="Objects in the annotations (entries of their list).")
    def object_count(self) -> int:
        return int(self.value.get("objects", 0)) if isinstance(self.value, dict) else 0

    @strawberry.field(description="Objects per category, by category name.")
    def categories(self) -> list[CategoryCount]:
        counts = self.value.get("categories", {}) if isinstance(self.value, dict) else {}
        return [CategoryCount(category=name, count=counts[name]) for name in sorted(counts)]

    @classmethod
    def from_record(cls, record: LabelStatisticsRecord) -> "LabelStatistics":
        return cls(task_name=record["task_name"], data_id=strawberry.ID(record["data_id"]),
                   value=record["value"])

    def node_key(self) -> tuple[str, ...]:
        return (self.task_name, str(self.data_id))


@strawberry.type(description="Label statistics summed over many items (a whole task's).")
class LabelTotals:
    object_count: int = strawberry.field(description="Objects labelled, all items.")
    categories: list[CategoryCount] = strawberry.field(
        description="Objects per category, by category name.")

    @classmethod
    def from_totals(cls, totals: dict[str, Any]) -> "LabelTotals":
        """From the store's `{"objects": n, "categories": {name: n}}`."""
        counts = totals["categories"]
        return cls(object_count=totals["objects"], categories=[
            CategoryCount(category=name, count=counts[name]) for name in sorted(counts)])


@strawberry.input(description="New annotations for one data item of a task.")
class SaveLabelsInput:
    task_name: str = strawberry.field(description="The task's name.")
    data_id: strawberry.ID = strawberry.field(description="The item's dataId.")
    annotations: JSON = strawberry.field(
        description="Free JSON replacing the item's annotations, usually a list of objects.")


@strawberry.type(description="The saved labels.")
class SaveLabelsPayload:
    labels: Labels = strawberry.field(description="The item's labels as saved.")

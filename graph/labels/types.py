"""GraphQL types of labels (DbLabel) and label statistics (DbLabelStatistics)."""
from __future__ import annotations

import strawberry

from graph.scalars import JSON
from store.records import LabelRecord, LabelStatisticsRecord


@strawberry.type(description="The annotations of one data item within a task.")
class Labels:
    task_name: str
    data_id: strawberry.ID
    annotations: JSON = strawberry.field(
        description="Free JSON, usually a list of objects (id, category, geometry, options …).")

    @classmethod
    def from_record(cls, record: LabelRecord) -> "Labels":
        return cls(task_name=record["task_name"], data_id=strawberry.ID(record["data_id"]),
                   annotations=record["annotations"])


@strawberry.type(description="A summary of an item's labels, refreshed by every save.")
class LabelStatistics:
    task_name: str
    data_id: strawberry.ID
    value: JSON = strawberry.field(
        description='{"objects": <number of objects>, "categories": {<category>: <count>}}')

    @classmethod
    def from_record(cls, record: LabelStatisticsRecord) -> "LabelStatistics":
        return cls(task_name=record["task_name"], data_id=strawberry.ID(record["data_id"]),
                   value=record["value"])

"""GraphQL types of label specifications (DbSpec)."""
from __future__ import annotations

import strawberry

from graph.enums import DataType
from graph.node import Node
from graph.scalars import JSON
from store.records import SpecRecord


@strawberry.type(description="A label specification: which annotation plugin, for which data "
                             "type, with which categories and properties.")
class Spec(Node):
    spec_id: strawberry.ID = strawberry.field(description="The spec's own id (natural key).")
    plugin_name: str = strawberry.field(description="Immutable once created.")
    data_type: DataType = strawberry.field(description="Immutable once created.")
    label_schema: JSON = strawberry.field(
        description="Free JSON object: categories (name, color, properties), default category …")
    settings: JSON | None = strawberry.field(description="Free JSON plugin settings, or null.")

    @classmethod
    def from_record(cls, record: SpecRecord) -> "Spec":
        return cls(spec_id=strawberry.ID(record["id"]), plugin_name=record["plugin_name"],
                   data_type=DataType(record["data_type"]), label_schema=record["label_schema"],
                   settings=record.get("settings"))

    def node_key(self) -> tuple[str, ...]:
        return (str(self.spec_id),)


@strawberry.input(description="The content of a label specification.")
class SpecInput:
    plugin_name: str = strawberry.field(
        description="The annotation plugin, e.g. 'rectangle' (1-64 characters).")
    data_type: DataType = strawberry.field(description="The data type it annotates.")
    label_schema: JSON = strawberry.field(
        description="Free JSON object: categories (name, color, properties), default category …")
    settings: JSON | None = strawberry.field(default=None, description="Free JSON plugin settings.")

"""GraphQL types of label specifications (DbSpec)."""
from __future__ import annotations

import strawberry

from graph.enums import DataType
from graph.node import Node, encode_global_id
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


@strawberry.input(description="The content of a new label specification.")
class CreateSpecInput(SpecInput):
    pass


@strawberry.type(description="The label specification just created.")
class CreateSpecPayload:
    spec: Spec = strawberry.field(description="The new spec.")


@strawberry.input(description="A spec and its new content; pluginName and dataType must stay "
                              "the same.")
class UpdateSpecInput(SpecInput):
    spec_id: strawberry.ID = strawberry.field(description="The spec's specId.")


@strawberry.type(description="The label specification as it is after the change.")
class UpdateSpecPayload:
    spec: Spec = strawberry.field(description="The changed spec.")


@strawberry.input(description="The label specification to delete.")
class DeleteSpecInput:
    spec_id: strawberry.ID = strawberry.field(description="The spec's specId.")


@strawberry.type(description="The label specification that no longer exists, by its ids.")
class DeleteSpecPayload:
    deleted_id: strawberry.ID = strawberry.field(
        description="The global id the spec had: evict it from client caches.")
    deleted_spec_id: strawberry.ID = strawberry.field(description="The specId the spec had.")

    @classmethod
    def of(cls, spec_id: str) -> "DeleteSpecPayload":
        return cls(deleted_id=strawberry.ID(encode_global_id(Spec.__name__, spec_id)),
                   deleted_spec_id=strawberry.ID(spec_id))

"""The legacy JSON shapes: GraphQL selections, converters to the API document's snake_case
interfaces, and their JSON Schemas for the OpenAPI document.

Each shape keeps its three parts together (what to select, how to convert, how to describe),
so a field added to one is visibly missing from the others.
"""
from __future__ import annotations

from typing import Any

from graph.rest.spec import JSONSchema

# ---- schema helpers ----


def ref(name: str) -> JSONSchema:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(schema: JSONSchema) -> JSONSchema:
    return {"type": "array", "items": schema}


def obj(properties: dict[str, JSONSchema], required: list[str] | None = None,
        description: str = "") -> JSONSchema:
    schema: JSONSchema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if description:
        schema["description"] = description
    return schema


ANY: JSONSchema = {}
STRING: JSONSchema = {"type": "string"}
NUMBER: JSONSchema = {"type": "number"}
INTEGER: JSONSchema = {"type": "integer"}
BOOLEAN: JSONSchema = {"type": "boolean"}
OBJECT: JSONSchema = {"type": "object"}
STRINGS: JSONSchema = array_of(STRING)

ROLES = ["admin", "user"]
OBJECTIVES = ["to_annotate", "to_validate", "to_correct"]
STATUSES = [*OBJECTIVES, "done", "discard"]
DATA_TYPES = ["image", "pcl", "pcl_image", "sequence_pcl", "sequence_image", "sequence_pcl_image"]
SORTS = ["status", "assigned"]


def enum_schema(values: list[str]) -> JSONSchema:
    return {"type": "string", "enum": values}


def to_enum(value: Any) -> Any:
    """A legacy enum value (`to_annotate`) as the GraphQL enum name (`TO_ANNOTATE`); anything
    else is passed on untouched so the schema refuses it with a 400."""
    return value.upper() if isinstance(value, str) else value


def from_enum(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


# ---- users ----

USER_FRAGMENT = "fragment RestUser on User { username role preferences }"


def rest_user(user: dict[str, Any]) -> dict[str, Any]:
    """RestUser: `id` is the username (the old frontend keys users by `id`); never a password."""
    return {"id": user["username"], "username": user["username"], "role": from_enum(user["role"]),
            "preferences": user["preferences"]}


# ---- datasets, data items, specs ----

DATASET_FRAGMENT = "fragment DbDataset on Dataset { id path dataType }"
DATA_FRAGMENT = ("fragment DbData on DataItem { id datasetId type path "
                 "children { timestamp path } thumbnail }")
SPEC_FRAGMENT = "fragment DbSpec on Spec { id pluginName dataType labelSchema settings }"


def db_dataset(dataset: dict[str, Any]) -> dict[str, Any]:
    return {"id": dataset["id"], "path": dataset["path"], "data_type": from_enum(dataset["dataType"])}


def db_data(item: dict[str, Any]) -> dict[str, Any]:
    """DbData; `thumbnail` only where there is one (image items), as the old server stored it."""
    data = {"id": item["id"], "dataset_id": item["datasetId"], "type": from_enum(item["type"]),
            "path": item["path"], "children": item["children"]}
    if item.get("thumbnail"):
        data["thumbnail"] = item["thumbnail"]
    return data


def db_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """DbSpec; `settings` only when set (the API document's DbSpec has none)."""
    data = {"id": spec["id"], "plugin_name": spec["pluginName"],
            "data_type": from_enum(spec["dataType"]), "label_schema": spec["labelSchema"]}
    if spec.get("settings") is not None:
        data["settings"] = spec["settings"]
    return data


PATH_OR_URLS: JSONSchema = {"oneOf": [STRING, STRINGS]}

ERROR_SCHEMA = obj({"type": STRING, "message": STRING}, ["type", "message"],
                   "Every failure: `type` is the lower-cased error code (`bad_user_input`, "
                   "`unauthenticated`, `forbidden`, `not_found`, `conflict`, `job_denied`, `internal`).")

COMPONENTS: dict[str, JSONSchema] = {
    "Error": ERROR_SCHEMA,
    "RestUser": obj({"id": {**STRING, "description": "the username"}, "username": STRING,
                     "role": enum_schema(ROLES), "preferences": OBJECT},
                    ["id", "username", "role", "preferences"],
                    "A user account (DbUser without its password, which no endpoint returns)."),
    "DbDataset": obj({"id": STRING, "path": {**STRING, "description": "relative to the workspace"},
                      "data_type": enum_schema(DATA_TYPES)}, ["id", "path", "data_type"],
                     "A folder of the workspace scanned for one data type."),
    "DbFrame": obj({"timestamp": NUMBER, "path": PATH_OR_URLS}, ["timestamp", "path"]),
    "DbData": obj({"id": STRING, "dataset_id": STRING, "type": enum_schema(DATA_TYPES),
                   "path": {**PATH_OR_URLS, "description": "a /data URL, or [pcl URL, image URL]"},
                   "children": array_of(ref("DbFrame")),
                   "thumbnail": {**STRING, "description": "base64 JPEG, image items only"}},
                  ["id", "dataset_id", "type", "path", "children"], "One data item."),
    "DataPage": obj({"results": array_of(ref("DbData")), "counter": INTEGER,
                     "globalCounter": INTEGER}, ["results", "counter", "globalCounter"],
                    "Data items in data order; `counter` = `globalCounter` = items in the dataset."),
    "DbSpec": obj({"id": STRING, "plugin_name": STRING, "data_type": enum_schema(DATA_TYPES),
                   "label_schema": OBJECT, "settings": ANY},
                  ["id", "plugin_name", "data_type", "label_schema"],
                  "A label specification; `plugin_name` and `data_type` are immutable."),
    "LoginResult": obj({"message": STRING, "user": ref("RestUser")}, ["message", "user"],
                       "The session token is set as the httpOnly `token` cookie."),
}

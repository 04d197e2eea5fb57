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


ERROR_SCHEMA = obj({"type": STRING, "message": STRING}, ["type", "message"],
                   "Every failure: `type` is the lower-cased error code (`bad_user_input`, "
                   "`unauthenticated`, `forbidden`, `not_found`, `conflict`, `job_denied`, `internal`).")

COMPONENTS: dict[str, JSONSchema] = {
    "Error": ERROR_SCHEMA,
    "RestUser": obj({"id": {**STRING, "description": "the username"}, "username": STRING,
                     "role": enum_schema(ROLES), "preferences": OBJECT},
                    ["id", "username", "role", "preferences"],
                    "A user account (DbUser without its password, which no endpoint returns)."),
    "LoginResult": obj({"message": STRING, "user": ref("RestUser")}, ["message", "user"],
                       "The session token is set as the httpOnly `token` cookie."),
}

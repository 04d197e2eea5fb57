"""The legacy JSON shapes: GraphQL selections, converters to the API document's snake_case
interfaces, and their JSON Schemas for the OpenAPI document.

Each shape keeps its three parts together (what to select, how to convert, how to describe),
so a field added to one is visibly missing from the others.
"""
from __future__ import annotations

import json
from typing import Any

from graph.rest.spec import JSONSchema
from graph.scalars import unix_seconds

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

USER_FRAGMENT = ("fragment RestUser on User { username role preferences "
                 "assignments { taskName objective jobId } queue { taskName objective jobId } }")


def _by_key(entries: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Typed assignments as the legacy `{"<task>/<objective>": [job ids]}`."""
    out: dict[str, list[str]] = {}
    for entry in entries:
        out.setdefault(f"{entry['taskName']}/{from_enum(entry['objective'])}", []).append(
            entry["jobId"])
    return out


def rest_user(user: dict[str, Any]) -> dict[str, Any]:
    """RestUser: `id` is the username (the old frontend keys users by `id`), with the DbUser
    assignments the old server returned (`curr_assigned_jobs`, `queue`); never a password."""
    return {"id": user["username"], "username": user["username"], "role": from_enum(user["role"]),
            "preferences": user["preferences"],
            "curr_assigned_jobs": {k: ids[0] for k, ids in _by_key(user["assignments"]).items()},
            "queue": _by_key(user["queue"])}


# ---- datasets, data items, specs ----

DATASET_FRAGMENT = "fragment DbDataset on Dataset { datasetId path dataType }"
DATA_FRAGMENT = ("fragment DbData on DataItem { dataId datasetId type path "
                 "children { timestamp path } thumbnail }")
SPEC_FRAGMENT = "fragment DbSpec on Spec { specId pluginName dataType labelSchema settings }"


def db_dataset(dataset: dict[str, Any]) -> dict[str, Any]:
    return {"id": dataset["datasetId"], "path": dataset["path"], "data_type": from_enum(dataset["dataType"])}


def db_data(item: dict[str, Any]) -> dict[str, Any]:
    """DbData; `thumbnail` only where there is one (image items), as the old server stored it."""
    data = {"id": item["dataId"], "dataset_id": item["datasetId"], "type": from_enum(item["type"]),
            "path": item["path"], "children": item["children"]}
    if item.get("thumbnail"):
        data["thumbnail"] = item["thumbnail"]
    return data


def db_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """DbSpec; `settings` only when set (the API document's DbSpec has none)."""
    data = {"id": spec["specId"], "plugin_name": spec["pluginName"],
            "data_type": from_enum(spec["dataType"]), "label_schema": spec["labelSchema"]}
    if spec.get("settings") is not None:
        data["settings"] = spec["settings"]
    return data


PATH_OR_URLS: JSONSchema = {"oneOf": [STRING, STRINGS]}

# ---- tasks, jobs, results, labels ----

TASK_FRAGMENT = (DATASET_FRAGMENT + "\n" + SPEC_FRAGMENT + "\n"
                 + "fragment RestTask on Task { name dataset { ...DbDataset } spec { ...DbSpec } }")
JOB_FRAGMENT = ("fragment DbJob on Job { jobId taskName dataId objective assignedTo startAt "
                "durationSeconds lastUpdateAt comments { text } annotator validator }")
RESULT_FIELDS = ("taskName dataId finishedJobIds currentJobId status cumulatedTimeSeconds "
                 "annotator validator inProgress path")
RESULT_FRAGMENT = f"fragment DbResult on Result {{ {RESULT_FIELDS} }}"
LABELS_FRAGMENT = "fragment DbLabel on Labels { taskName dataId annotations }"


def rest_task(task: dict[str, Any]) -> dict[str, Any]:
    return {"name": task["name"], "dataset": db_dataset(task["dataset"]), "spec": db_spec(task["spec"])}


def comment_texts(value: Any) -> list[str]:
    """A legacy body's `comments` (free JSON) as the texts of typed comments: a string is one,
    a list one per entry, anything else one holding its JSON text; `null`, blank strings and
    `[]` say nothing (the old server took any JSON here: nothing is refused)."""
    entries = value if isinstance(value, list) else [value]
    return [entry if isinstance(entry, str) else json.dumps(entry, ensure_ascii=False)
            for entry in entries
            if entry is not None and not (isinstance(entry, str) and not entry.strip())]


def db_job(job: dict[str, Any]) -> dict[str, Any]:
    """DbJob plus the result's `annotator` and `validator` (what GET jobs/next always sent);
    `comments` (the validator's, on a correction: a list of their texts) when there are some.
    The legacy shape says "none" with `''` and `0` where GraphQL says null, and times are Unix
    seconds where GraphQL has ISO 8601 (`DateTime`, to the millisecond: the same number)."""
    data = {"id": job["jobId"], "task_name": job["taskName"], "data_id": job["dataId"],
            "objective": from_enum(job["objective"]), "assigned_to": job["assignedTo"] or "",
            "start_at": unix_seconds(job["startAt"]) if job["startAt"] else 0,
            "duration": job["durationSeconds"],
            "last_update_at": unix_seconds(job["lastUpdateAt"]),
            "annotator": job["annotator"] or "", "validator": job["validator"] or ""}
    if job["comments"]:
        data["comments"] = [comment["text"] for comment in job["comments"]]
    return data


def db_result(result: dict[str, Any]) -> dict[str, Any]:
    data = {"task_name": result["taskName"], "data_id": result["dataId"],
            "finished_job_ids": result["finishedJobIds"], "current_job_id": result["currentJobId"] or "",
            "status": from_enum(result["status"]),
            "cumulated_time": result["cumulatedTimeSeconds"],
            "annotator": result["annotator"] or "", "validator": result["validator"] or "",
            "in_progress": result["inProgress"], "path": result["path"]}
    if "thumbnail" in result:
        data["thumbnail"] = result["thumbnail"]
    return data


def db_label(labels: dict[str, Any]) -> dict[str, Any]:
    return {"task_name": labels["taskName"], "data_id": labels["dataId"],
            "annotations": labels["annotations"]}

ERROR_SCHEMA = obj({"type": STRING, "message": STRING}, ["type", "message"],
                   "Every failure: `type` is the lower-cased error code (`bad_user_input`, "
                   "`unauthenticated`, `forbidden`, `not_found`, `conflict`, `job_denied`, `internal`).")

COMPONENTS: dict[str, JSONSchema] = {
    "Error": ERROR_SCHEMA,
    "RestUser": obj({"id": {**STRING, "description": "the username"}, "username": STRING,
                     "role": enum_schema(ROLES), "preferences": OBJECT,
                     "curr_assigned_jobs": {**OBJECT, "description": "`{\"<task>/<objective>\": "
                                                                     "job id}`: jobs held"},
                     "queue": {**OBJECT, "description": "`{\"<task>/to_correct\": [job ids]}`: "
                                                        "corrections waiting"}},
                    ["id", "username", "role", "preferences", "curr_assigned_jobs", "queue"],
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
    "RestTask": obj({"name": STRING, "dataset": ref("DbDataset"), "spec": ref("DbSpec")},
                    ["name", "dataset", "spec"], "A task: a name, a dataset and a label specification."),
    "DbJob": obj({"id": STRING, "task_name": STRING, "data_id": STRING,
                  "objective": enum_schema(OBJECTIVES), "assigned_to": STRING, "start_at": NUMBER,
                  "duration": NUMBER, "last_update_at": NUMBER, "annotator": STRING,
                  "validator": STRING,
                  "comments": {**STRINGS, "description": "the texts of the job's comments (a "
                               "rejected item's correction job: the validator's), oldest first; "
                               "absent when none"}},
                 ["id", "task_name", "data_id", "objective", "assigned_to", "start_at", "duration",
                  "last_update_at", "annotator", "validator"],
                 "A job (plus its item's last annotator and validator); `{}` when there is "
                 "nothing to do."),
    "DbResult": obj({"task_name": STRING, "data_id": STRING, "finished_job_ids": STRINGS,
                     "current_job_id": STRING, "status": enum_schema(STATUSES),
                     "cumulated_time": NUMBER, "annotator": STRING, "validator": STRING,
                     "in_progress": BOOLEAN,
                     "path": {"oneOf": [STRING, STRINGS], "description": "the data item's path "
                              "relative to the workspace (`images/cat.jpg`; a list for "
                              "pcl_image items)"},
                     "thumbnail": {**STRING, "description": "in result listings: base64 JPEG"}},
                    ["task_name", "data_id", "finished_job_ids", "current_job_id", "status",
                     "cumulated_time", "annotator", "validator", "in_progress", "path"],
                    "Where a data item stands in a task; `{}` from previous/next when none."),
    "ResultPage": obj({"results": array_of(ref("DbResult")), "counter": INTEGER,
                       "globalCounter": INTEGER, "doneCounter": INTEGER,
                       "toValidateCounter": INTEGER},
                      ["results", "counter", "globalCounter", "doneCounter", "toValidateCounter"],
                      "One page of results (each with its item's thumbnail); `counter` = matching "
                      "results, `globalCounter` = all, `doneCounter`/`toValidateCounter` per status."),
    "DbLabel": obj({"task_name": STRING, "data_id": STRING, "annotations": ANY},
                   ["task_name", "data_id", "annotations"],
                   "Labels of a data item; `{}` when there are none."),
    "LoginResult": obj({"message": STRING, "user": ref("RestUser")}, ["message", "user"],
                       "The session token is set as the httpOnly `token` cookie."),
}

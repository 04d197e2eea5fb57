"""Tasks: a name, a dataset and a label specification."""
from __future__ import annotations

from typing import Any

from graph.rest.errors import RestError
from graph.rest.routes.specs import spec_input
from graph.rest.shapes import (ANY, DATA_TYPES, INTEGER, OBJECT, STRING, STRINGS, TASK_FRAGMENT,
                               array_of, enum_schema, obj, ref, rest_task, to_enum)
from graph.rest.spec import Body, Call, Field, Route
from graph.rest.walk import all_nodes, every, follow_pages

NEW_TASK_BODY = Body("RestNewTask", (
    Field("name", STRING, required=True, example="cars"),
    Field("dataset", obj({"path": STRING, "data_type": enum_schema(DATA_TYPES)}, ["path"]),
          required=True, description="DbDataset: `path` relative to the workspace; the data type "
                                     "defaults to the spec's", example={"path": "images/"}),
    Field("spec", obj({"plugin_name": STRING, "data_type": enum_schema(DATA_TYPES),
                       "label_schema": OBJECT, "settings": ANY},
                      ["plugin_name", "data_type", "label_schema"]),
          required=True, description="DbSpec; an equal existing spec is reused",
          example={"plugin_name": "rectangle", "data_type": "image",
                   "label_schema": {"category": [{"name": "car", "color": "green"}]}}),
), "RestTask: creates (or reuses) the spec and the dataset, then one job, one result and empty "
   "labels per data item.")

TASK_UPDATE_BODY = Body("RestTaskUpdate", (
    Field("name", STRING, description="if given, must be the task's name (the URL's)"),
    Field("spec", obj({"label_schema": OBJECT, "settings": ANY}), required=True,
          description="the new label_schema and/or settings; plugin_name and data_type stay",
          example={"label_schema": {"category": [{"name": "bus", "color": "red"}]}}),
), "RestTask with the spec changes; the dataset and the plugin cannot change.")


def _new_task(call: Call) -> dict[str, Any]:
    body = call.body
    dataset: dict[str, Any] = {"path": body["dataset"]["path"]}
    if body["dataset"].get("data_type") is not None:
        dataset["dataType"] = to_enum(body["dataset"]["data_type"])
    return {"input": {"name": body["name"], "dataset": dataset, "spec": spec_input(body["spec"])}}


def _task_update(call: Call) -> dict[str, Any]:
    name = call.path["task_name"]
    if call.body.get("name", name) != name:
        raise RestError.bad_input(f"the body's name {call.body['name']!r} is not the URL's task "
                                  f"{name!r}")
    spec = call.body["spec"]
    changes = {key: spec[source] for key, source in (("labelSchema", "label_schema"),
                                                     ("settings", "settings")) if source in spec}
    return {"input": {"name": name, **changes}}


TRANSFER_BODY = Body("RestTransfer", (
    Field("path", STRING, example="my_export",
          description="folder relative to the workspace (required); never outside it, never "
                      "the workspace itself or `.pixano/`"),
    Field("url", STRING, in_example=False,
          description="refused with 400: the old server posted to a search engine here; this "
                      "one makes no outbound requests for a caller"),
), "Where to export to or import from: `{path}`.")


def _transfer(call: Call) -> dict[str, Any]:
    if call.body.get("url") is not None:
        raise RestError.bad_input("exporting to or importing from a URL is not supported: the "
                                  "server makes no outbound requests on a caller's behalf. Give "
                                  "a `path` inside the workspace instead, e.g. {\"path\": "
                                  "\"my_export\"}")
    if call.body.get("path") is None:
        raise RestError.bad_input("body field 'path' is required: a folder relative to the "
                                  "workspace, e.g. {\"path\": \"my_export\"}")
    return {"input": {"path": call.body["path"]}}


def _exported(data: dict[str, Any], call: Call) -> dict[str, Any]:
    payload = data["exportTasks"]
    return {"path": payload["path"], "tasks": [t["name"] for t in payload["tasks"]],
            "items": payload["itemCount"]}


def _imported(data: dict[str, Any], call: Call) -> dict[str, Any]:
    payload = data["importTasks"]
    return {"tasks": [t["name"] for t in payload["tasks"]], "renamed": payload["renamed"],
            "items": payload["itemCount"]}


TASK_NAME = lambda call: {"name": call.path["task_name"]}  # noqa: E731

ROUTES: tuple[Route, ...] = (
    Route(
        name="listTasks", method="GET", path="/tasks", tag="tasks",
        summary="Every task, with its dataset and spec.",
        document=TASK_FRAGMENT + "\n" + every("tasks", "RestTask", "Tasks"),
        follow=follow_pages("tasks"),
        result=lambda datas, call: [rest_task(t) for t in all_nodes(datas, "tasks")],
        response=array_of(ref("RestTask")), errors=(401,),
    ),
    Route(
        name="createTask", method="POST", path="/tasks", tag="tasks",
        summary="Create a task (admins); 201 with it. An existing name is a 400.",
        document=TASK_FRAGMENT + """
mutation CreateTask($input: CreateTaskInput!) { createTask(input: $input) { task { ...RestTask } } }""",
        body=NEW_TASK_BODY, variables=_new_task,
        result=lambda data, call: rest_task(data["createTask"]["task"]), status=201,
        response=ref("RestTask"), conflict_status=400, errors=(400, 401, 403),
    ),
    Route(
        name="exportTasks", method="POST", path="/tasks/export", tag="tasks",
        summary="Write every task into a folder of the workspace in the Pixano JSON layout "
                "(admins).",
        description="One `<task>.json` (`{name, version, spec, dataset}`) per task and a folder "
                    "`<task>/` with one `<item>.json` per data item (`{task_name, data_id, "
                    "annotations, data: {type, path, children, status, annotator, validator, "
                    "cumulated_time}}`). A task folder of a previous export is replaced; a "
                    "folder holding anything else is never overwritten (409).",
        document="""mutation ExportTasks($input: ExportTasksInput!) {
  exportTasks(input: $input) { path itemCount tasks { name } } }""",
        body=TRANSFER_BODY, variables=_transfer, result=_exported,
        response=obj({"path": STRING, "tasks": STRINGS, "items": INTEGER},
                     ["path", "tasks", "items"]),
        errors=(400, 401, 403, 409),
    ),
    Route(
        name="importTasks", method="POST", path="/tasks/import", tag="tasks",
        summary="Create the tasks of a folder in the Pixano JSON layout, with their items' "
                "labels and statuses (admins).",
        description="A taken task name becomes `name-1`, `name-2` … (listed in `renamed`). All "
                    "or nothing: a file naming a data path the dataset does not hold (or any "
                    "other wrong file) is a 400 whose message names the file, and nothing of "
                    "the import stays. `_name.json` task files are skipped.",
        document="""mutation ImportTasks($input: ImportTasksInput!) {
  importTasks(input: $input) { itemCount tasks { name } renamed { requested name } } }""",
        body=TRANSFER_BODY, variables=_transfer, result=_imported,
        response=obj({"tasks": STRINGS, "items": INTEGER,
                      "renamed": array_of(obj({"requested": STRING, "name": STRING},
                                              ["requested", "name"]))},
                     ["tasks", "renamed", "items"]),
        errors=(400, 401, 403),
    ),
    Route(
        name="getTask", method="GET", path="/tasks/{task_name}", tag="tasks",
        summary="One task, with its dataset and spec.",
        document=TASK_FRAGMENT + "\nquery Task($name: String!) { task(name: $name) { ...RestTask } }",
        variables=TASK_NAME, result=lambda data, call: rest_task(data["task"]),
        response=ref("RestTask"), errors=(401, 404),
    ),
    Route(
        name="updateTask", method="PUT", path="/tasks/{task_name}", tag="tasks",
        summary="Change the task's label schema and/or settings (admins).",
        document="""mutation UpdateTask($input: UpdateTaskInput!) {
  updateTask(input: $input) { task { name } } }""",
        body=TASK_UPDATE_BODY, variables=_task_update, status=204,
    ),
    Route(
        name="deleteTask", method="DELETE", path="/tasks/{task_name}", tag="tasks",
        summary="Delete a task with its jobs, results, labels and assignments (admins).",
        document="""mutation DeleteTask($input: DeleteTaskInput!) {
  deleteTask(input: $input) { deletedId } }""",
        variables=lambda call: {"input": TASK_NAME(call)}, status=204, errors=(401, 403, 404),
    ),
)

"""Label specifications."""
from __future__ import annotations

from typing import Any

from graph.rest.shapes import (ANY, DATA_TYPES, OBJECT, SPEC_FRAGMENT, STRING, array_of, db_spec,
                               enum_schema, ref, to_enum)
from graph.rest.spec import Body, Call, Field, Route
from graph.rest.walk import all_nodes, every, follow_pages

SPEC_BODY = Body("RestSpecInput", (
    Field("plugin_name", STRING, required=True, example="rectangle"),
    Field("data_type", enum_schema(DATA_TYPES), required=True),
    Field("label_schema", OBJECT, required=True,
          example={"category": [{"name": "car", "color": "green", "properties": []}],
                   "default": "car"}),
    Field("settings", ANY, description="free plugin settings"),
), "DbSpec without `id` (an `id` in the body is ignored; the URL names the spec).")


def spec_input(body: dict[str, Any]) -> dict[str, Any]:
    """RestSpecInput -> SpecInput (also used by task creation)."""
    spec = {"pluginName": body["plugin_name"], "dataType": to_enum(body["data_type"]),
            "labelSchema": body["label_schema"]}
    if body.get("settings") is not None:
        spec["settings"] = body["settings"]
    return spec


SPEC_ID = lambda call: {"specId": call.path["spec_id"]}  # noqa: E731


def _update(call: Call) -> dict[str, Any]:
    return {"input": {"specId": call.path["spec_id"], **spec_input(call.body)}}


ROUTES: tuple[Route, ...] = (
    Route(
        name="listSpecs", method="GET", path="/specs", tag="specs",
        summary="Every label specification.",
        document=SPEC_FRAGMENT + "\n" + every("specs", "DbSpec", "Specs"),
        follow=follow_pages("specs"),
        result=lambda datas, call: [db_spec(s) for s in all_nodes(datas, "specs")],
        response=array_of(ref("DbSpec")), errors=(401,),
    ),
    Route(
        name="createSpec", method="POST", path="/specs", tag="specs",
        summary="Create a label specification (admins); 201 with it.",
        document=SPEC_FRAGMENT + """
mutation CreateSpec($input: CreateSpecInput!) { createSpec(input: $input) { spec { ...DbSpec } } }""",
        body=SPEC_BODY, variables=lambda call: {"input": spec_input(call.body)},
        result=lambda data, call: db_spec(data["createSpec"]["spec"]), status=201,
        response=ref("DbSpec"), errors=(400, 401, 403),
    ),
    Route(
        name="getSpec", method="GET", path="/specs/{spec_id}", tag="specs",
        summary="One label specification.",
        document=SPEC_FRAGMENT + "\nquery Spec($specId: ID!) { spec(specId: $specId) { ...DbSpec } }",
        variables=SPEC_ID, result=lambda data, call: db_spec(data["spec"]),
        response=ref("DbSpec"), errors=(401, 404),
    ),
    Route(
        name="updateSpec", method="PUT", path="/specs/{spec_id}", tag="specs",
        summary="Replace a spec's label_schema and settings (admins); plugin_name and data_type "
                "must stay the same (400).",
        document="""mutation UpdateSpec($input: UpdateSpecInput!) {
  updateSpec(input: $input) { spec { specId } } }""",
        body=SPEC_BODY, variables=_update, status=204,
    ),
    Route(
        name="deleteSpec", method="DELETE", path="/specs/{spec_id}", tag="specs",
        summary="Delete a label specification (admins); 409 while a task uses it.",
        document="""mutation DeleteSpec($input: DeleteSpecInput!) {
  deleteSpec(input: $input) { deletedId } }""",
        variables=lambda call: {"input": SPEC_ID(call)}, status=204, errors=(401, 403, 404, 409),
    ),
)

"""Label specifications through GraphQL, and the get-or-create task creation relies on."""
from __future__ import annotations

import pytest

from graph.context import Context
from graph.errors import ApiError
from graph.services import SERVICES
from resolvers.specs.spec_create import get_or_create_spec
from tests.conftest import make_user
from tests.datasets.test_store_contract import _use_in_task

FIELDS = "id: specId pluginName dataType labelSchema settings"
CREATE = f"mutation($input: CreateSpecInput!) {{ createSpec(input: $input) {{ spec {{ {FIELDS} }} }} }}"
UPDATE = f"mutation($input: UpdateSpecInput!) {{ updateSpec(input: $input) {{ spec {{ {FIELDS} }} }} }}"
DELETE = "mutation($id: ID!) { deleteSpec(input: {specId: $id}) { deletedId deletedSpecId } }"
ONE = f"query($id: ID!) {{ spec(specId: $id) {{ {FIELDS} }} }}"
ALL = f"{{ specs {{ nodes {{ {FIELDS} }} }} }}"

SCHEMA = {"category": [{"name": "car", "color": "green",
                        "properties": [{"name": "occluded", "type": "checkbox", "default": False}]}],
          "default": "car"}


def _input(**changes):
    return {"pluginName": "rectangle", "dataType": "IMAGE", "labelSchema": SCHEMA, **changes}


async def test_create_read_list(admin) -> None:
    first = (await admin.gql(CREATE, {"input": _input()}))["createSpec"]["spec"]
    assert first["pluginName"] == "rectangle" and first["dataType"] == "IMAGE"
    assert first["labelSchema"] == SCHEMA and first["settings"] is None
    second = (await admin.gql(CREATE, {"input": _input(settings={"zoom": 2})}))["createSpec"]["spec"]
    assert second["settings"] == {"zoom": 2}
    # An equal spec is created again on request (as POST /specs did); tasks reuse instead.
    third = (await admin.gql(CREATE, {"input": _input()}))["createSpec"]["spec"]
    assert len({first["id"], second["id"], third["id"]}) == 3
    assert (await admin.gql(ONE, {"id": second["id"]}))["spec"] == second
    assert [s["id"] for s in (await admin.gql(ALL))["specs"]["nodes"]] == [first["id"], second["id"], third["id"]]


async def test_bad_input_is_refused_and_nothing_is_stored(admin) -> None:
    for changes, field in (({"labelSchema": [1, 2]}, "labelSchema"), ({"labelSchema": "x"}, "labelSchema"),
                           ({"pluginName": ""}, "pluginName"), ({"pluginName": "a b/c"}, "pluginName")):
        error = await admin.gql_error(CREATE, {"input": _input(**changes)})
        assert error.code == "BAD_USER_INPUT", changes
        assert error.errors[0]["extensions"]["field"] == field
    error = await admin.gql_error(
        'mutation { createSpec(input: {pluginName: "x", dataType: VIDEO, labelSchema: {}}) { spec { specId } } }')
    assert "VIDEO" in error.message  # GraphQL refuses an unknown enum value itself
    assert (await admin.gql(ALL))["specs"]["nodes"] == []


async def test_update_changes_schema_and_settings_only(admin) -> None:
    spec = (await admin.gql(CREATE, {"input": _input(settings={"a": 1})}))["createSpec"]["spec"]
    new_schema = {"category": [{"name": "person", "color": "red", "properties": []}],
                  "default": "person"}
    updated = (await admin.gql(UPDATE, {"input": _input(specId=spec["id"], labelSchema=new_schema)}))
    assert updated["updateSpec"]["spec"] == {**spec, "labelSchema": new_schema, "settings": None}
    assert (await admin.gql(ONE, {"id": spec["id"]}))["spec"] == updated["updateSpec"]["spec"]
    for changes, field in (({"pluginName": "polygon"}, "pluginName"), ({"dataType": "PCL"}, "dataType")):
        error = await admin.gql_error(UPDATE, {"input": _input(specId=spec["id"], **changes)})
        assert error.code == "BAD_USER_INPUT" and "cannot change" in error.message
        assert error.errors[0]["extensions"]["field"] == field
    error = await admin.gql_error(UPDATE, {"input": _input(specId=spec["id"], labelSchema=[])})
    assert error.code == "BAD_USER_INPUT"
    assert (await admin.gql(ONE, {"id": spec["id"]}))["spec"] == updated["updateSpec"]["spec"]
    error = await admin.gql_error(UPDATE, {"input": _input(specId="nope")})
    assert error.code == "NOT_FOUND"


async def test_delete_and_specs_in_use(http, admin) -> None:
    used = (await admin.gql(CREATE, {"input": _input()}))["createSpec"]["spec"]
    free = (await admin.gql(CREATE, {"input": _input(pluginName="polygon")}))["createSpec"]["spec"]
    await _use_in_task(http.app[SERVICES].store, spec_id=used["id"])
    error = await admin.gql_error(DELETE, {"id": used["id"]})
    assert error.code == "CONFLICT" and "task" in error.message
    deleted = (await admin.gql(DELETE, {"id": free["id"]}))["deleteSpec"]
    assert deleted["deletedSpecId"] == free["id"] and deleted["deletedId"]
    assert (await admin.gql_error(ONE, {"id": free["id"]})).code == "NOT_FOUND"
    assert (await admin.gql_error(DELETE, {"id": free["id"]})).code == "NOT_FOUND"
    assert [s["id"] for s in (await admin.gql(ALL))["specs"]["nodes"]] == [used["id"]]


async def test_users_read_admins_write(http, admin, anonymous) -> None:
    user = await make_user(http, admin, "carol")
    assert (await user.gql_error(CREATE, {"input": _input()})).code == "FORBIDDEN"
    spec = (await admin.gql(CREATE, {"input": _input()}))["createSpec"]["spec"]
    assert (await user.gql(ONE, {"id": spec["id"]}))["spec"] == spec
    assert (await user.gql(ALL))["specs"]["nodes"] == [spec]
    assert (await user.gql_error(UPDATE, {"input": _input(specId=spec["id"], labelSchema={})})).code == "FORBIDDEN"
    assert (await user.gql_error(DELETE, {"id": spec["id"]})).code == "FORBIDDEN"
    assert (await anonymous.gql_error(ALL)).code == "UNAUTHENTICATED"
    assert (await admin.gql(ONE, {"id": spec["id"]}))["spec"] == spec


async def test_get_or_create_spec_reuses_equal_content(http, admin) -> None:
    services = http.app[SERVICES]
    ctx = Context(services=services, response=None,  # type: ignore[arg-type]
                  user=await services.store.get_user("admin"))
    first = await get_or_create_spec(ctx, "rectangle", "image", SCHEMA, None)
    reordered = {"default": "car", "category": SCHEMA["category"]}
    assert await get_or_create_spec(ctx, "rectangle", "image", reordered, None) == first
    other = await get_or_create_spec(ctx, "rectangle", "image", SCHEMA, {"zoom": 1})
    assert other["id"] != first["id"] and other["settings"] == {"zoom": 1}
    assert len((await admin.gql(ALL))["specs"]["nodes"]) == 2
    with pytest.raises(ApiError) as refused:
        await get_or_create_spec(ctx, "rectangle", "video", SCHEMA, None)
    assert refused.value.code.value == "BAD_USER_INPUT"

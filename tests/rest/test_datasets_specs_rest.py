"""Datasets, data items and specs through /api/v1, and shared cases through both doors."""
from __future__ import annotations

import base64

import pytest

from graph.settings import MAX_PAGE_SIZE
from tests.client import Caller
from tests.files import make_corrupt_image, make_images, make_pcl
from tests.rest.doors import DOORS, Action, expect, perform

RECT_SCHEMA = {"category": [{"name": "car", "color": "green", "properties": []}], "default": "car"}

CREATE_DATASET = Action(
    graphql=lambda path, data_type="image": (
        "mutation C($input: CreateDatasetInput!) { createDataset(input: $input) { dataset { id: datasetId path } } }",
        {"input": {"path": path, "dataType": data_type.upper()}}, "createDataset"),
    rest=lambda path, data_type="image": ("POST", "/datasets", {"path": path, "data_type": data_type}),
)
GET_DATASET = Action(
    graphql=lambda id: ("query D($id: ID!) { dataset(datasetId: $id) { id: datasetId } }", {"id": id}, "dataset"),
    rest=lambda id: ("GET", f"/datasets/{id}", None),
)
DELETE_DATASET = Action(
    graphql=lambda id: ("mutation D($id: ID!) { deleteDataset(input: {datasetId: $id}) { deletedDatasetId } }",
                        {"id": id}, "deleteDataset.deletedDatasetId"),
    rest=lambda id: ("DELETE", f"/datasets/{id}", None),
)
GET_DATA = Action(
    graphql=lambda dataset_id, id: ("query D($d: ID!, $id: ID!) { dataItem(datasetId: $d, dataId: $id) { id: dataId } }",
                                    {"d": dataset_id, "id": id}, "dataItem"),
    rest=lambda dataset_id, id: ("GET", f"/datasets/{dataset_id}/data/{id}", None),
)
LIST_DATASETS = Action(graphql=lambda: ("{ datasets { nodes { id: datasetId } } }", {}, "datasets.nodes"),
                       rest=lambda: ("GET", "/datasets", None))
CREATE_SPEC = Action(
    graphql=lambda plugin="rectangle", data_type="image", schema=RECT_SCHEMA: (
        "mutation C($input: CreateSpecInput!) { createSpec(input: $input) { spec { id: specId } } }",
        {"input": {"pluginName": plugin, "dataType": data_type.upper(), "labelSchema": schema}}, "createSpec.spec"),
    rest=lambda plugin="rectangle", data_type="image", schema=RECT_SCHEMA: (
        "POST", "/specs", {"plugin_name": plugin, "data_type": data_type, "label_schema": schema}),
)
UPDATE_SPEC = Action(
    graphql=lambda id, plugin="rectangle", data_type="image", schema=RECT_SCHEMA: (
        "mutation U($input: UpdateSpecInput!) { updateSpec(input: $input) { spec { id: specId } } }",
        {"input": {"specId": id, "pluginName": plugin, "dataType": data_type.upper(), "labelSchema": schema}},
        "updateSpec.spec"),
    rest=lambda id, plugin="rectangle", data_type="image", schema=RECT_SCHEMA: (
        "PUT", f"/specs/{id}", {"plugin_name": plugin, "data_type": data_type, "label_schema": schema}),
)
GET_SPEC = Action(graphql=lambda id: ("query S($id: ID!) { spec(specId: $id) { id: specId } }", {"id": id}, "spec"),
                  rest=lambda id: ("GET", f"/specs/{id}", None))
DELETE_SPEC = Action(graphql=lambda id: ("mutation D($id: ID!) { deleteSpec(input: {specId: $id}) { deletedSpecId } }",
                                         {"id": id}, "deleteSpec.deletedSpecId"),
                     rest=lambda id: ("DELETE", f"/specs/{id}", None))


def _id(outcome) -> str:
    value = outcome.value
    return value["dataset"]["id"] if "dataset" in value else value["id"]


@pytest.mark.parametrize("door", DOORS)
async def test_dataset_permissions_and_errors(door, http, admin: Caller, alice: Caller, workspace) -> None:
    make_images(workspace / "images", ["a.jpg", "b.png"])
    anonymous = Caller(http)
    expect(await perform(door, alice, CREATE_DATASET, path="images/"), "FORBIDDEN")
    expect(await perform(door, anonymous, CREATE_DATASET, path="images/"), "UNAUTHENTICATED")
    expect(await perform(door, anonymous, LIST_DATASETS), "UNAUTHENTICATED")
    expect(await perform(door, admin, CREATE_DATASET, path="../outside/"), "BAD_USER_INPUT")
    expect(await perform(door, admin, CREATE_DATASET, path="missing/"), "BAD_USER_INPUT")
    created = await perform(door, admin, CREATE_DATASET, path="images")
    expect(created, None)
    dataset_id = _id(created)
    # Datasets are listed and read by admins only (as on the original server), but any user
    # reads a data item: the label page needs it.
    expect(await perform(door, alice, GET_DATASET, id=dataset_id), "FORBIDDEN")
    expect(await perform(door, alice, LIST_DATASETS), "FORBIDDEN")
    expect(await perform(door, admin, GET_DATASET, id=dataset_id), None)
    items = await admin.gql("query I($d: ID!) { dataItems(datasetId: $d) { nodes { id: dataId } } }",
                            {"d": dataset_id})
    item = await perform(door, alice, GET_DATA, dataset_id=dataset_id,
                         id=items["dataItems"]["nodes"][0]["id"])
    expect(item, None)
    assert item.value["id"] == items["dataItems"]["nodes"][0]["id"]
    expect(await perform(door, alice, DELETE_DATASET, id=dataset_id), "FORBIDDEN")
    expect(await perform(door, admin, GET_DATASET, id="nope"), "NOT_FOUND")
    expect(await perform(door, admin, GET_DATA, dataset_id=dataset_id, id="nope"), "NOT_FOUND")
    expect(await perform(door, admin, GET_DATA, dataset_id="nope", id="nope"), "NOT_FOUND")
    expect(await perform(door, admin, DELETE_DATASET, id=dataset_id), None)
    expect(await perform(door, admin, DELETE_DATASET, id=dataset_id), "NOT_FOUND")


@pytest.mark.parametrize("door", DOORS)
async def test_spec_permissions_and_errors(door, http, admin: Caller, alice: Caller) -> None:
    expect(await perform(door, alice, CREATE_SPEC), "FORBIDDEN")
    expect(await perform(door, Caller(http), CREATE_SPEC), "UNAUTHENTICATED")
    created = await perform(door, admin, CREATE_SPEC)
    expect(created, None)
    spec_id = _id(created)
    expect(await perform(door, alice, GET_SPEC, id=spec_id), None)
    expect(await perform(door, admin, UPDATE_SPEC, id=spec_id, plugin="polygon"), "BAD_USER_INPUT")
    expect(await perform(door, admin, UPDATE_SPEC, id=spec_id, data_type="pcl"), "BAD_USER_INPUT")
    expect(await perform(door, alice, UPDATE_SPEC, id=spec_id), "FORBIDDEN")
    expect(await perform(door, admin, UPDATE_SPEC, id="nope"), "NOT_FOUND")
    expect(await perform(door, admin, GET_SPEC, id="nope"), "NOT_FOUND")
    expect(await perform(door, alice, DELETE_SPEC, id=spec_id), "FORBIDDEN")
    expect(await perform(door, admin, DELETE_SPEC, id=spec_id), None)
    expect(await perform(door, admin, DELETE_SPEC, id=spec_id), "NOT_FOUND")


async def test_dataset_lifecycle_in_legacy_shapes(admin: Caller, workspace) -> None:
    make_images(workspace / "images" / "sub", ["c.JPG"])
    make_images(workspace / "images", ["b.png", "a.jpg"])
    make_corrupt_image(workspace / "images" / "z.jpg")
    status, dataset = await admin.rest("POST", "/datasets/", json={"path": "images", "data_type": "image",
                                                                   "id": "ignored"})
    assert status == 201
    assert dataset == {"id": dataset["id"], "path": "images/", "data_type": "image"}
    assert dataset["id"] != "ignored"
    # get-or-create: the same dataset again
    assert await admin.rest("POST", "/datasets", json={"path": "images/", "data_type": "image"}) == (201, dataset)
    assert await admin.rest("GET", "/datasets") == (200, [dataset])
    assert await admin.rest("GET", f"/datasets/{dataset['id']}") == (200, dataset)

    status, page = await admin.rest("GET", f"/datasets/{dataset['id']}/data")
    assert status == 200 and page["counter"] == page["globalCounter"] == 4
    paths = [item["path"] for item in page["results"]]
    assert paths == ["/data/images/a.jpg", "/data/images/b.png", "/data/images/sub/c.JPG", "/data/images/z.jpg"]
    first = page["results"][0]
    assert set(first) == {"id", "dataset_id", "type", "path", "children", "thumbnail"}
    assert first["dataset_id"] == dataset["id"] and first["type"] == "image" and first["children"] == []
    assert base64.b64decode(first["thumbnail"])[:2] == b"\xff\xd8"  # a JPEG
    assert "thumbnail" not in page["results"][3]  # the corrupt image: kept, no thumbnail

    status, second_page = await admin.rest("GET", f"/datasets/{dataset['id']}/data?page=2&count=3")
    assert status == 200 and [i["path"] for i in second_page["results"]] == ["/data/images/z.jpg"]
    assert await admin.rest("GET", f"/datasets/{dataset['id']}/data/{first['id']}") == (200, first)

    for bad in ("page=0", "page=x", "page=1&count=-2"):
        status, body = await admin.rest("GET", f"/datasets/{dataset['id']}/data?{bad}")
        assert status == 400 and body["type"] == "bad_user_input", bad
    assert (await admin.rest("GET", "/datasets/nope/data"))[0] == 404

    assert await admin.rest("DELETE", f"/datasets/{dataset['id']}") == (204, None)
    assert await admin.rest("GET", "/datasets") == (200, [])


async def test_the_data_listing_is_paged_with_a_default_and_a_maximum(admin: Caller, workspace) -> None:
    """Issue 11: the listing used to return every item when no page was given (4 MB). It now
    answers one page (10 items by default, `count` up to the maximum page size), `counter` saying
    how many there are; page numbers land anywhere with one seek."""
    for index in range(520):
        make_pcl(workspace / "clouds" / f"{index:04d}.bin", points=1)
    status, dataset = await admin.rest("POST", "/datasets", json={"path": "clouds/", "data_type": "pcl"})
    assert status == 201
    paths = [f"/data/clouds/{i:04d}.bin" for i in range(520)]
    status, page = await admin.rest("GET", f"/datasets/{dataset['id']}/data")
    assert status == 200 and (page["counter"], page["globalCounter"]) == (520, 520)
    assert [i["path"] for i in page["results"]] == paths[:10]
    status, last = await admin.rest("GET", f"/datasets/{dataset['id']}/data?page=52&count=10")
    assert [i["path"] for i in last["results"]] == paths[510:520]
    status, big = await admin.rest("GET", f"/datasets/{dataset['id']}/data?page=3&count={MAX_PAGE_SIZE}")
    assert [i["path"] for i in big["results"]] == paths[2 * MAX_PAGE_SIZE:]
    status, beyond = await admin.rest("GET", f"/datasets/{dataset['id']}/data?page=99&count=10")
    assert (status, beyond["results"], beyond["counter"]) == (200, [], 520)
    status, far = await admin.rest("GET", f"/datasets/{dataset['id']}/data?page=99999999999999999")
    assert (status, far["results"]) == (200, [])
    status, refused = await admin.rest("GET", f"/datasets/{dataset['id']}/data?count={MAX_PAGE_SIZE + 1}")
    assert status == 400 and str(MAX_PAGE_SIZE) in refused["message"]


@pytest.mark.parametrize("body,fragment", [
    ({"path": "images/"}, "'data_type' is required"),
    ({"path": "images/", "data_type": "video"}, "'data_type' must be one of"),
    ({"path": 3, "data_type": "image"}, "'path' must be a string"),
])
async def test_bad_dataset_bodies(admin: Caller, body, fragment) -> None:
    status, answer = await admin.rest("POST", "/datasets", json=body)
    assert status == 400 and fragment in answer["message"]


async def test_spec_lifecycle_in_legacy_shapes(admin: Caller, alice: Caller) -> None:
    body = {"plugin_name": "rectangle", "data_type": "image", "label_schema": RECT_SCHEMA}
    status, spec = await admin.rest("POST", "/specs/", json={**body, "id": "ignored"})
    assert status == 201 and spec == {"id": spec["id"], **body}
    assert await alice.rest("GET", "/specs") == (200, [spec])
    new_schema = {**RECT_SCHEMA, "default": "bus"}
    assert await admin.rest("PUT", f"/specs/{spec['id']}", json={**spec, "label_schema": new_schema,
                                                                 "settings": {"zoom": 2}}) == (204, None)
    status, updated = await alice.rest("GET", f"/specs/{spec['id']}")
    assert updated == {**spec, "label_schema": new_schema, "settings": {"zoom": 2}}
    status, answer = await admin.rest("PUT", f"/specs/{spec['id']}", json={"label_schema": new_schema})
    assert status == 400 and "'plugin_name' is required" in answer["message"]
    status, answer = await admin.rest("POST", "/specs", json={**body, "label_schema": "not an object"})
    assert status == 400 and "'label_schema' must be an object" in answer["message"]
    assert await admin.rest("DELETE", f"/specs/{spec['id']}") == (204, None)
    assert (await alice.rest("GET", f"/specs/{spec['id']}"))[0] == 404

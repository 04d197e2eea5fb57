"""Deleting datasets, and a larger ingest through the process pool with its console progress."""
from __future__ import annotations

from graph.services import SERVICES
from tests.datasets.helpers import DATA_ITEM, DATASET, DELETE_DATASET, all_items, create_dataset, decode_thumbnail
from tests.datasets.test_store_contract import _use_in_task
from tests.files import make_corrupt_image, make_images


async def test_delete_removes_the_dataset_and_its_items(admin, workspace) -> None:
    make_images(workspace / "images", ["a.jpg", "b.jpg"])
    dataset_id = (await create_dataset(admin, "images"))["dataset"]["id"]
    item_id = (await all_items(admin, dataset_id))[0]["id"]
    gid = (await admin.gql("query($id: ID!) { dataset(datasetId: $id) { id } }",
                           {"id": dataset_id}))["dataset"]["id"]
    assert (await admin.gql(DELETE_DATASET, {"id": dataset_id}))["deleteDataset"] == {
        "deletedId": gid, "deletedDatasetId": dataset_id}  # what caches evict
    assert (await admin.gql_error(DATASET, {"id": dataset_id})).code == "NOT_FOUND"
    error = await admin.gql_error(DATA_ITEM, {"datasetId": dataset_id, "id": item_id})
    assert error.code == "NOT_FOUND"
    assert (await admin.gql_error(DELETE_DATASET, {"id": dataset_id})).code == "NOT_FOUND"
    assert (await create_dataset(admin, "images"))["created"] is True  # rescanned afresh


async def test_a_dataset_used_by_a_task_cannot_be_deleted(http, admin, workspace) -> None:
    make_images(workspace / "images", ["a.jpg"])
    dataset_id = (await create_dataset(admin, "images"))["dataset"]["id"]
    await _use_in_task(http.app[SERVICES].store, dataset_id=dataset_id)
    error = await admin.gql_error(DELETE_DATASET, {"id": dataset_id})
    assert error.code == "CONFLICT" and "1 task" in error.message
    assert (await admin.gql(DATASET, {"id": dataset_id}))["dataset"]["itemCount"] == 1


async def test_a_large_folder_goes_through_the_process_pool(admin, workspace, capsys) -> None:
    names = [f"img_{n:04d}.jpg" for n in range(230)]
    make_images(workspace / "big", names, size=(320, 240))
    make_corrupt_image(workspace / "big" / "img_0100.jpg")
    out = await create_dataset(admin, "big")
    assert out["itemCount"] == 230 and out["skipped"] == ["/data/big/img_0100.jpg"]
    items = await all_items(admin, out["dataset"]["id"], page=100)
    assert [i["path"] for i in items] == [f"/data/big/{n}" for n in names]
    assert all(decode_thumbnail(i["thumbnail"]).size == (133, 100)
               for i in items if i["path"] != "/data/big/img_0100.jpg")
    console = capsys.readouterr().err
    assert "dataset big/ (image): 230 to do" in console
    assert "dataset big/ (image): 230/230 in" in console

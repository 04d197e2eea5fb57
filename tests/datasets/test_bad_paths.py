"""Dataset paths that are missing, not folders, or lead outside the workspace: clear errors,
nothing written."""
from __future__ import annotations

import os

import pytest

from graph.context import Context
from graph.services import SERVICES
from resolvers.datasets.dataset_create import get_or_create_dataset
from tests.datasets.helpers import CREATE_DATASET, DATASETS
from tests.files import make_image, make_images


async def _refused(admin, path: str, data_type: str = "IMAGE"):
    error = await admin.gql_error(CREATE_DATASET, {"input": {"path": path, "dataType": data_type}})
    assert error.code == "BAD_USER_INPUT", (path, error.errors)
    assert error.errors[0]["extensions"].get("field") == "path"
    return error


@pytest.fixture
def outside(tmp_path):
    """A folder of images next to the workspace, which no dataset may reach."""
    folder = tmp_path / "secret-images"
    make_images(folder, ["private.jpg"])
    return folder


async def test_missing_folder(admin) -> None:
    error = await _refused(admin, "nowhere")
    assert "no folder 'nowhere/'" in error.message


async def test_a_file_is_not_a_folder(admin, workspace) -> None:
    make_image(workspace / "one.jpg")
    error = await _refused(admin, "one.jpg")
    assert "is a file, not a folder" in error.message


async def test_traversal_and_absolute_paths(admin, workspace, outside) -> None:
    for path in ("../secret-images", "images/../../secret-images", "..", str(outside),
                 "/etc", "images\\..\\x", "a\x00b"):
        await _refused(admin, path)
    assert (await admin.gql(DATASETS))["datasets"]["nodes"] == []


async def test_symlinks_leading_out_are_refused(admin, workspace, outside) -> None:
    os.symlink(outside, workspace / "link-out")
    error = await _refused(admin, "link-out")
    assert "outside the workspace" in error.message
    # A symlinked folder inside the dataset is not followed; a symlinked file out is ignored.
    make_images(workspace / "images", ["a.jpg"])
    os.symlink(outside, workspace / "images" / "dir-out")
    os.symlink(outside / "private.jpg", workspace / "images" / "file-out.jpg")
    os.symlink(workspace / "images" / "a.jpg", workspace / "images" / "alias.jpg")
    data = await admin.gql(CREATE_DATASET, {"input": {"path": "images", "dataType": "IMAGE"}})
    assert data["createDataset"]["itemCount"] == 2  # a.jpg and the alias inside the workspace
    items = await admin.gql("query($d: ID!) { dataItems(datasetId: $d) { nodes { path } } }",
                            {"d": data["createDataset"]["dataset"]["id"]})
    assert [i["path"] for i in items["dataItems"]["nodes"]] == ["/data/images/a.jpg",
                                                                "/data/images/alias.jpg"]


async def test_symlinked_folder_inside_the_workspace_is_fine(admin, workspace) -> None:
    make_images(workspace / "real", ["a.jpg"])
    os.symlink(workspace / "real", workspace / "alias")
    data = await admin.gql(CREATE_DATASET, {"input": {"path": "alias", "dataType": "IMAGE"}})
    assert data["createDataset"]["itemCount"] == 1


async def test_the_private_folder_is_not_a_dataset(admin, workspace) -> None:
    make_image(workspace / ".pixano" / "x.jpg")
    error = await _refused(admin, ".pixano")
    assert "server's own files" in error.message
    await _refused(admin, "./.pixano/")


async def test_get_or_create_dataset_for_task_creation(http, admin, workspace) -> None:
    """The Python entry point the workflow calls, with its (record, created) answer."""
    make_images(workspace / "images", ["b.jpg", "a.jpg"])
    services = http.app[SERVICES]
    user = await services.store.get_user("admin")
    ctx = Context(services=services, response=None, user=user)  # type: ignore[arg-type]
    record, created = await get_or_create_dataset(ctx, "images", "image")
    assert created is True and record["path"] == "images/" and record["data_type"] == "image"
    again, created = await get_or_create_dataset(ctx, "./images/", "image")
    assert (again, created) == (record, False)
    ids = await services.store.list_data_ids(record["id"])
    items = await services.store.get_data_items(record["id"], ids)
    assert [i["path"] for i in items] == ["/data/images/a.jpg", "/data/images/b.jpg"]
    from graph.errors import ApiError

    with pytest.raises(ApiError) as refused:
        await get_or_create_dataset(ctx, "images", "video")
    assert refused.value.code.value == "BAD_USER_INPUT" and "unknown data type" in refused.value.message
    with pytest.raises(ApiError) as refused:
        await get_or_create_dataset(ctx, "../x", "image")
    assert refused.value.code.value == "BAD_USER_INPUT"

"""The five non-image data types, scanned from real files exactly as the domain contract says."""
from __future__ import annotations

from tests.datasets.helpers import all_items, create_dataset
from tests.files import make_image, make_pcl


def _kitti(root, drive: str, frames: int, with_images: bool = True) -> None:
    """root/pcls/<drive>/velodyne_N.bin paired with root/images/<drive>/cam_N.jpg."""
    for n in range(frames):
        make_pcl(root / "pcls" / drive / f"velodyne_{n}.bin")
        if with_images:
            make_image(root / "images" / drive / f"cam_{n}.jpg")


async def test_pcl_items_are_bin_files(admin, workspace) -> None:
    make_pcl(workspace / "clouds" / "b.bin")
    make_pcl(workspace / "clouds" / "sub" / "a.BIN")
    make_image(workspace / "clouds" / "photo.jpg")
    out = await create_dataset(admin, "clouds", "PCL")
    assert (out["itemCount"], out["dataset"]["dataType"]) == (2, "PCL")
    items = await all_items(admin, out["dataset"]["id"])
    assert [(i["path"], i["type"], i["children"], i["thumbnail"]) for i in items] == [
        ("/data/clouds/b.bin", "PCL", [], None), ("/data/clouds/sub/a.BIN", "PCL", [], None)]


async def test_pcl_image_pairs_each_cloud_with_its_camera_image(admin, workspace) -> None:
    root = workspace / "kitti"
    _kitti(root, "d1", 2)
    make_pcl(root / "pcls" / "d1" / "velodyne_9.bin")  # no cam_9.jpg: not an item
    out = await create_dataset(admin, "kitti", "PCL_IMAGE")
    items = await all_items(admin, out["dataset"]["id"])
    assert [i["path"] for i in items] == [
        ["/data/kitti/pcls/d1/velodyne_0.bin", "/data/kitti/images/d1/cam_0.jpg"],
        ["/data/kitti/pcls/d1/velodyne_1.bin", "/data/kitti/images/d1/cam_1.jpg"]]
    assert all(i["type"] == "PCL_IMAGE" and i["children"] == [] for i in items)
    # The pcls folder alone is a dataset too: the images are found beside it.
    only_pcls = await create_dataset(admin, "kitti/pcls", "PCL_IMAGE")
    assert only_pcls["itemCount"] == 2


async def test_pcl_image_without_any_pair_is_refused_with_the_reason(admin, workspace) -> None:
    _kitti(workspace / "kitti", "d1", 2, with_images=False)
    error = await admin.gql_error(
        'mutation { createDataset(input: {path: "kitti", dataType: PCL_IMAGE}) { created } }')
    assert error.code == "BAD_USER_INPUT"
    assert "paired image" in error.message and "cam_" in error.message


async def test_sequence_image_items_are_folders_of_frames_sorted_by_name(admin, workspace) -> None:
    root = workspace / "videos"
    for name in ("f10.jpg", "f02.jpg", "f01.png"):
        make_image(root / "clip_b" / name)
    make_image(root / "clip_a" / "only.jpg")
    make_image(root / "clip_a" / "nested" / "x.jpg")  # its own sequence
    (root / "empty").mkdir()
    make_pcl(root / "clouds" / "c.bin")  # no image: not a sequence_image
    out = await create_dataset(admin, "videos", "SEQUENCE_IMAGE")
    items = await all_items(admin, out["dataset"]["id"])
    assert [(i["path"], i["type"], i["thumbnail"]) for i in items] == [
        ("/data/videos/clip_a", "SEQUENCE_IMAGE", None),
        ("/data/videos/clip_a/nested", "SEQUENCE_IMAGE", None),
        ("/data/videos/clip_b", "SEQUENCE_IMAGE", None)]
    assert items[2]["children"] == [
        {"timestamp": 0, "path": "/data/videos/clip_b/f01.png"},
        {"timestamp": 1, "path": "/data/videos/clip_b/f02.jpg"},
        {"timestamp": 2, "path": "/data/videos/clip_b/f10.jpg"}]
    assert items[0]["children"] == [{"timestamp": 0, "path": "/data/videos/clip_a/only.jpg"}]


async def test_sequence_pcl_items_are_folders_of_bin_files(admin, workspace) -> None:
    for name in ("002.bin", "001.bin"):
        make_pcl(workspace / "lidar" / "run1" / name)
    make_pcl(workspace / "lidar" / "top.bin")  # the dataset folder itself is a sequence too
    make_image(workspace / "lidar" / "run2" / "a.jpg")
    out = await create_dataset(admin, "lidar", "SEQUENCE_PCL")
    items = await all_items(admin, out["dataset"]["id"])
    assert [(i["path"], i["children"]) for i in items] == [
        ("/data/lidar", [{"timestamp": 0, "path": "/data/lidar/top.bin"}]),
        ("/data/lidar/run1", [{"timestamp": 0, "path": "/data/lidar/run1/001.bin"},
                              {"timestamp": 1, "path": "/data/lidar/run1/002.bin"}])]


async def test_sequence_pcl_image_frames_pair_clouds_and_images(admin, workspace) -> None:
    root = workspace / "kitti"
    _kitti(root, "d2", 2)
    _kitti(root, "d1", 1)
    out = await create_dataset(admin, "kitti/pcls/", "SEQUENCE_PCL_IMAGE")
    items = await all_items(admin, out["dataset"]["id"])
    assert [i["path"] for i in items] == ["/data/kitti/pcls/d1", "/data/kitti/pcls/d2"]
    assert items[1]["children"] == [
        {"timestamp": 0, "path": ["/data/kitti/pcls/d2/velodyne_0.bin",
                                  "/data/kitti/images/d2/cam_0.jpg"]},
        {"timestamp": 1, "path": ["/data/kitti/pcls/d2/velodyne_1.bin",
                                  "/data/kitti/images/d2/cam_1.jpg"]}]
    assert all(i["type"] == "SEQUENCE_PCL_IMAGE" for i in items)


async def test_no_file_of_the_type_is_a_clear_error_for_each_type(admin, workspace) -> None:
    (workspace / "empty").mkdir()
    (workspace / "empty" / "readme.txt").write_text("nothing to annotate")
    expected = {"IMAGE": "no image file", "PCL": "no point cloud file",
                "PCL_IMAGE": "no point cloud file (.bin) with a paired image",
                "SEQUENCE_IMAGE": "no folder of images", "SEQUENCE_PCL": "no folder of point cloud",
                "SEQUENCE_PCL_IMAGE": "no folder of point cloud"}
    for data_type, words in expected.items():
        error = await admin.gql_error(
            "mutation($t: DataType!) { createDataset(input: {path: \"empty\", dataType: $t}) "
            "{ created } }", {"t": data_type})
        assert error.code == "BAD_USER_INPUT", data_type
        assert words in error.message and "'empty/'" in error.message, error.message
    assert (await admin.gql("{ datasets { nodes { id: datasetId } } }"))["datasets"]["nodes"] == []

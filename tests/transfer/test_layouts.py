"""Files as people wrote them for the original server (its documentation's examples), every data
type's paths, and item names that would collide."""
from __future__ import annotations

import json

from tests.conftest import BOTH_ENGINES
from tests.files import make_image, make_images, make_pcl
from tests.transfer.helpers import EXPORT, IMPORT, task_state
from tests.transfer.test_refusals import write
from tests.workflow.gql import create_task

pytestmark = BOTH_ENGINES

TRACKS = {"0": {"id": "0", "category": "car", "labels": {}, "keyShapes": {
    "0": {"geometry": {"vertices": [0.2, 0.3, 0.4, 0.7], "type": "rectangle"}, "timestamp": 0,
          "labels": {}}}}}


async def test_the_documented_example_files_import(admin, workspace) -> None:
    """documentation/import-annotations.md of the original: no version, no data type in the
    spec, `children: ""`, sequences named with a trailing slash or only by their frames."""
    make_images(workspace / "images", ["xxx.jpg", "yyy.jpg"])
    make_images(workspace / "videos" / "vid1", ["000.png", "001.png"])
    make_images(workspace / "videos" / "vid2", ["000.png"])
    root = workspace / "annotations"
    write(root / "task1.json", {"name": "task1", "spec": {
        "plugin_name": "rectangle", "label_schema": {"category": [{"name": "car", "color": "green"}],
                                                     "default": "car"}},
        "dataset": {"path": "images/", "data_type": "image"}})
    write(root / "task1" / "xxx.json", {"task_name": "task1", "annotations": [
        {"id": "m83", "geometry": {"vertices": [0.4, 0.2, 0.5, 0.6], "type": "rectangle"},
         "category": "car", "options": {}}],
        "data": {"type": "image", "children": "", "path": "images/xxx.jpg"}})
    write(root / "task5.json", {"name": "task5", "spec": {"plugin_name": "tracking",
                                                          "label_schema": {"category": []}},
                                "dataset": {"path": "videos/", "data_type": "sequence_image"}})
    write(root / "task5" / "vid1.json", {"task_name": "task5", "annotations": TRACKS, "data": {
        "type": "sequence_image", "path": "videos/vid1/", "children": [
            {"timestamp": 0, "path": "videos/vid1/000.png"}]}})
    write(root / "task5" / "vid2.json", {"task_name": "task5", "annotations": TRACKS, "data": {
        "type": "sequence_image", "children": [{"timestamp": 0, "path": "videos/vid2/000.png"}]}})
    imported = (await admin.gql(IMPORT, {"input": {"path": "annotations"}}))["importTasks"]
    assert [t["name"] for t in imported["tasks"]] == ["task1", "task5"]
    task1 = await task_state(admin, "task1")
    assert task1["dataset"] == {"path": "images/", "dataType": "IMAGE", "itemCount": 2}
    assert task1["items"]["/data/images/xxx.jpg"]["annotations"][0]["id"] == "m83"
    assert task1["items"]["/data/images/xxx.jpg"]["status"] == "TO_ANNOTATE"  # no status given
    assert task1["items"]["/data/images/yyy.jpg"]["annotations"] == []
    task5 = await task_state(admin, "task5")
    assert task5["items"]["/data/videos/vid1"]["annotations"] == TRACKS
    assert task5["items"]["/data/videos/vid2"]["annotations"] == TRACKS


async def test_every_data_type_round_trips_with_relative_paths(admin, workspace) -> None:
    make_pcl(workspace / "pcls" / "velodyne_0.bin")
    make_image(workspace / "images" / "cam_0.jpg")
    make_images(workspace / "seq" / "a", ["1.jpg", "2.jpg"])
    specs = {"pairs": ("PCL_IMAGE", "pcls/"), "clouds": ("PCL", "pcls/"),
             "seqs": ("SEQUENCE_IMAGE", "seq/")}
    for name, (data_type, folder) in specs.items():
        await create_task(admin, name, folder=folder, spec={
            "pluginName": "cuboid", "dataType": data_type, "labelSchema": {"category": []}})
    await admin.gql(EXPORT, {"input": {"path": "out"}})
    pair = json.loads((workspace / "out" / "pairs" / "velodyne_0.json").read_text())
    assert pair["data"]["path"] == ["pcls/velodyne_0.bin", "images/cam_0.jpg"]
    seq = json.loads((workspace / "out" / "seqs" / "a.json").read_text())
    assert (seq["data"]["path"], seq["data"]["children"]) == ("seq/a", [
        {"timestamp": 0, "path": "seq/a/1.jpg"}, {"timestamp": 1, "path": "seq/a/2.jpg"}])
    before = {name: await task_state(admin, name) for name in specs}
    imported = (await admin.gql(IMPORT, {"input": {"path": "out"}}))["importTasks"]
    assert sorted(r["name"] for r in imported["renamed"]) == ["clouds-1", "pairs-1", "seqs-1"]
    for name in specs:
        assert await task_state(admin, f"{name}-1") == before[name]


async def test_items_whose_names_would_collide_keep_their_own_files(admin, workspace) -> None:
    make_images(workspace / "images", ["a.jpg", "a.png", "A.jpeg", "sub/a.jpg"])
    make_images(workspace / "images" / "sub_a", ["x.jpg"])
    await create_task(admin)
    await admin.gql(EXPORT, {"input": {"path": "out"}})
    names = sorted(p.name for p in (workspace / "out" / "cars").iterdir())
    # data order: A.jpeg, a.jpg, a.png, sub/a.jpg, sub_a/x.jpg; names unique even on a
    # case-insensitive disk: the second 'a' keeps its extension.
    assert names == ["A.json", "a.jpg.json", "a.png.json", "sub_a.json", "sub_a_x.json"]
    paths = sorted(json.loads((workspace / "out" / "cars" / n).read_text())["data"]["path"]
                   for n in names)
    assert paths == ["images/A.jpeg", "images/a.jpg", "images/a.png", "images/sub/a.jpg",
                     "images/sub_a/x.jpg"]
    imported = (await admin.gql(IMPORT, {"input": {"path": "out"}}))["importTasks"]
    assert imported["itemCount"] == 5


async def test_odd_task_names_get_safe_file_names(admin, workspace) -> None:
    make_images(workspace / "images", ["a.jpg"])
    for name in ("..", "_hidden", "Cars", "cars", "x" * 128):
        await create_task(admin, name)
    exported = (await admin.gql(EXPORT, {"input": {"path": "out"}}))["exportTasks"]
    assert exported["itemCount"] == 5
    files = sorted(p.name for p in (workspace / "out").iterdir() if p.suffix == ".json")
    assert len(files) == 5 and not any(f.startswith(("_", ".")) for f in files)
    # nothing written beside the export folder (a task named '..' stays inside it)
    assert sorted(p.name for p in workspace.iterdir()) == [".pixano", "images", "out"]
    imported = (await admin.gql(IMPORT, {"input": {"path": "out"}}))["importTasks"]
    assert sorted((r["requested"], r["name"]) for r in imported["renamed"]) == sorted([
        ("..", "..-1"), ("_hidden", "_hidden-1"), ("Cars", "Cars-1"), ("cars", "cars-1"),
        ("x" * 128, "x" * 126 + "-1")])

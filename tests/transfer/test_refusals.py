"""Every way an export or import is refused, through GraphQL and REST: paths leaving the workspace
or entering `.pixano/`, URL bodies, non-admins, wrong files; and each refusal leaves nothing
behind (no task, dataset or spec of a cancelled import, no file outside the workspace)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BOTH_ENGINES
from tests.rest.doors import DOORS, STATUS_FOR_CODE
from tests.transfer.helpers import EXPORT, IMPORT
from tests.workflow.gql import create_task, image_folder

NOTHING = ("query { tasks { nodes { name } } datasets { nodes { path dataType } } "
           "specs { nodes { specId } } }")
OPERATIONS = {"export": (EXPORT, "/tasks/export"), "import": (IMPORT, "/tasks/import")}


async def attempt(door: str, caller, operation: str, body: dict[str, Any]) -> tuple[str, str]:
    """(error code, message) of an export/import that must fail; through REST the status must
    be the code's."""
    document, route = OPERATIONS[operation]
    if door == "graphql":
        error = await caller.gql_error(document, {"input": body})
        return error.code, error.message
    status, answer = await caller.rest("POST", route, json=body)
    assert status >= 400 and set(answer) == {"type", "message"}, (status, answer)
    code = answer["type"].upper()
    assert status == STATUS_FOR_CODE[code], (status, answer)
    return code, answer["message"]


def write(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def task_file(name: str, folder: str = "images/", plugin: str = "rectangle") -> dict[str, Any]:
    return {"name": name, "version": "0.9",
            "spec": {"plugin_name": plugin, "data_type": "image",
                     "label_schema": {"category": [{"name": "car", "color": "red"}]}},
            "dataset": {"path": folder, "data_type": "image"}}


def item_file(path: str, status: str = "done", annotations: Any = None) -> dict[str, Any]:
    return {"task_name": "x", "data_id": "old-id",
            "annotations": [{"id": "1", "category": "car"}] if annotations is None else annotations,
            "data": {"type": "image", "path": path, "children": [], "status": status}}


@BOTH_ENGINES
@pytest.mark.parametrize("door", DOORS)
async def test_an_unknown_data_path_cancels_the_whole_import(admin, workspace, door) -> None:
    image_folder(workspace, 3)
    image_folder(workspace, 2, folder="more")
    await create_task(admin, "keep")
    before = await admin.gql(NOTHING)
    root = workspace / "incoming"
    write(root / "a.json", task_file("a", plugin="polygon"))  # a new spec, an existing dataset
    write(root / "a" / "img000.json", item_file("images/img000.jpg"))
    write(root / "b.json", task_file("b", folder="more/"))  # a dataset not scanned yet
    write(root / "b" / "img000.json", item_file("more/img000.jpg"))
    write(root / "b" / "ghost.json", item_file("more/ghost.jpg"))
    code, message = await attempt(door, admin, "import", {"path": "incoming"})
    assert code == "BAD_USER_INPUT"
    assert "incoming/b/ghost.json" in message and "more/ghost.jpg" in message
    assert "nothing" in message
    # Task a was created before b's file was read: it is gone again, with the spec and the
    # dataset the import created; what existed before stays.
    assert await admin.gql(NOTHING) == before


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("operation", ["export", "import"])
@pytest.mark.parametrize("path", ["../outside", "/etc", "images/../../outside", ".pixano",
                                  ".pixano/exports", "./", "", "link-out", "link-out/sub",
                                  "link-private", "back\\slash", "nul\x00byte"])
async def test_paths_never_leave_the_workspace(admin, workspace, tmp_path, door, operation,
                                               path) -> None:
    image_folder(workspace, 2)
    await create_task(admin)
    outside = tmp_path / "outside"
    write(outside / "cars.json", task_file("cars"))  # a valid export, out of bounds
    os.symlink(outside, workspace / "link-out")
    os.symlink(workspace / ".pixano", workspace / "link-private")
    private_before = sorted(p.name for p in (workspace / ".pixano").rglob("*"))
    code, message = await attempt(door, admin, operation, {"path": path})
    assert code == "BAD_USER_INPUT", message
    assert sorted(p.name for p in outside.rglob("*")) == ["cars.json"]
    assert sorted(p.name for p in (workspace / ".pixano").rglob("*")) == private_before
    assert [t["name"] for t in (await admin.gql(NOTHING))["tasks"]["nodes"]] == ["cars"]


@pytest.mark.parametrize("door", DOORS)
async def test_a_symlink_inside_an_import_folder_cannot_lead_out(admin, workspace, tmp_path,
                                                                 door) -> None:
    image_folder(workspace, 2)
    outside = tmp_path / "outside"
    write(outside / "img000.json", item_file("images/img000.jpg"))
    write(workspace / "incoming" / "cars.json", task_file("cars"))
    os.symlink(outside, workspace / "incoming" / "cars")
    code, message = await attempt(door, admin, "import", {"path": "incoming"})
    assert code == "BAD_USER_INPUT" and "incoming/cars" in message
    assert (await admin.gql(NOTHING))["tasks"]["nodes"] == []


@pytest.mark.parametrize("operation", ["export", "import"])
@pytest.mark.parametrize("body", [{"url": "http://elasticsearch:9200/pixano_export_data/"},
                                  {"url": "http://127.0.0.1:1/", "path": "exports"}, {}])
async def test_url_bodies_and_missing_paths_are_refused(admin, workspace, operation,
                                                        body) -> None:
    image_folder(workspace, 1)
    await create_task(admin)
    code, message = await attempt("rest", admin, operation, body)
    assert code == "BAD_USER_INPUT"
    assert ("outbound" in message) if "url" in body else ("'path' is required" in message)
    assert not (workspace / "exports").exists()


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("operation", ["export", "import"])
async def test_only_admins_export_and_import(anonymous, alice, workspace, door, operation) -> None:
    image_folder(workspace, 1)
    write(workspace / "incoming" / "cars.json", task_file("cars"))
    code, _ = await attempt(door, alice, operation, {"path": "incoming"})
    assert code == "FORBIDDEN"
    code, _ = await attempt(door, anonymous, operation, {"path": "incoming"})
    assert code == "UNAUTHENTICATED"
    assert sorted(p.name for p in (workspace / "incoming").iterdir()) == ["cars.json"]


BAD_FILES = {
    "not json": ("cars/img000.json", "{not json", "is not valid JSON"),
    "unknown status": ("cars/img000.json", item_file("images/img000.jpg", status="finished"),
                       "unknown status 'finished'"),
    "no path": ("cars/img000.json", {"annotations": [], "data": {"type": "image"}},
                "'data.path' is missing"),
    "path out": ("cars/img000.json", item_file("../secret.jpg"), "not a path inside"),
    "bad time": ("cars/img000.json", {**item_file("images/img000.jpg"), "data": {
        "path": "images/img000.jpg", "cumulated_time": "long"}}, "cumulated_time"),
    "bad annotator": ("cars/img000.json", {**item_file("images/img000.jpg"), "data": {
        "path": "images/img000.jpg", "annotator": 7}}, "'data.annotator' must be a string"),
    "twice": ("cars/zzz.json", item_file("images/img000.jpg"), "same data item"),
    "no dataset": ("cars.json", {"name": "cars", "spec": task_file("cars")["spec"]},
                   "'dataset' must be a JSON object"),
    "no data type": ("cars.json", {**task_file("cars"), "spec": {"plugin_name": "rectangle",
                                                                 "label_schema": {}},
                                   "dataset": {"path": "images/"}}, "data type"),
    "odd data type": ("cars.json", {**task_file("cars"), "dataset": {
        "path": "images/", "data_type": {"image": True}}}, "differ"),
    "types differ": ("cars.json", {**task_file("cars"), "dataset": {
        "path": "images/", "data_type": "pcl"}}, "differ"),
    "bad schema": ("cars.json", {**task_file("cars"), "spec": {
        "plugin_name": "rectangle", "data_type": "image", "label_schema": []}}, "labelSchema"),
    "bad name": ("cars.json", {**task_file("cars"), "name": "a/b"}, "task name"),
    "missing folder": ("cars.json", task_file("cars", folder="nowhere/"), "nowhere"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
async def test_a_wrong_file_is_named_and_nothing_is_imported(admin, workspace, case) -> None:
    image_folder(workspace, 2)
    root = workspace / "incoming"
    write(root / "cars.json", task_file("cars"))
    write(root / "cars" / "img000.json", item_file("images/img000.jpg"))
    name, content, expected = BAD_FILES[case]
    if isinstance(content, str):
        (root / name).write_text(content)
    else:
        write(root / name, content)
    code, message = await attempt("graphql", admin, "import", {"path": "incoming"})
    assert code == "BAD_USER_INPUT" and f"incoming/{name}" in message and expected in message, \
        message
    assert await admin.gql(NOTHING) == {"tasks": {"nodes": []}, "datasets": {"nodes": []},
                                        "specs": {"nodes": []}}


@pytest.mark.parametrize("door", DOORS)
async def test_an_empty_or_missing_import_folder_is_refused(admin, workspace, door) -> None:
    (workspace / "empty").mkdir()
    write(workspace / "empty" / "_skipped.json", task_file("cars"))
    code, message = await attempt(door, admin, "import", {"path": "empty"})
    assert code == "BAD_USER_INPUT" and "no task file" in message
    code, message = await attempt(door, admin, "import", {"path": "nowhere"})
    assert code == "BAD_USER_INPUT" and "no such folder" in message


@pytest.mark.parametrize("door", DOORS)
async def test_an_export_never_replaces_what_is_not_an_export(admin, workspace, door) -> None:
    image_folder(workspace, 2)
    await create_task(admin)
    photo = workspace / "out" / "cars" / "photo.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"precious")
    code, message = await attempt(door, admin, "export", {"path": "out"})
    assert code == "CONFLICT" and "out/cars" in message
    assert photo.read_bytes() == b"precious"
    assert sorted(p.name for p in (workspace / "out").iterdir()) == ["cars"]


async def test_an_export_replaces_its_previous_export_and_nothing_else(admin, workspace) -> None:
    image_folder(workspace, 2)
    await create_task(admin)
    await admin.gql(EXPORT, {"input": {"path": "out"}})
    (workspace / "out" / "cars" / "stale.json").write_text("{}")
    (workspace / "out" / "notes.txt").write_text("mine")
    write(workspace / "out" / "other.json", task_file("other"))
    again = (await admin.gql(EXPORT, {"input": {"path": "out"}}))["exportTasks"]
    assert again["itemCount"] == 2
    assert sorted(p.name for p in (workspace / "out").iterdir()) == [
        "cars", "cars.json", "notes.txt", "other.json"]
    assert sorted(p.name for p in (workspace / "out" / "cars").iterdir()) == [
        "img000.json", "img001.json"]
    assert (workspace / "out" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("door", DOORS)
async def test_an_export_onto_a_file_is_a_clear_refusal(admin, workspace, door) -> None:
    image_folder(workspace, 1)
    await create_task(admin)
    (workspace / "taken").write_text("a file")
    code, message = await attempt(door, admin, "export", {"path": "taken"})
    assert code == "BAD_USER_INPUT" and "is a file" in message
    code, message = await attempt(door, admin, "export", {"path": "taken/below"})
    assert code == "BAD_USER_INPUT" and "cannot write" in message
    assert (workspace / "taken").read_text() == "a file"

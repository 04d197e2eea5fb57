"""Tasks through GraphQL: creation (get-or-create of spec and dataset), listing, update, cascade
delete, and every refusal leaving nothing behind."""
from __future__ import annotations

import pytest

from tests.conftest import BOTH_ENGINES, make_user
from tests.workflow.gql import (
    statistics,
    CREATE_TASK,
    DELETE_TASK,
    LABELS,
    me,
    SPEC,
    TASK,
    TASKS,
    UPDATE_TASK,
    create_task,
    image_folder,
    next_job,
    results,
    update_job,
)

pytestmark = BOTH_ENGINES

COUNTS_ZERO = {"toAnnotate": 0, "toValidate": 0, "toCorrect": 0, "done": 0, "discard": 0}


async def _nothing_created(admin) -> None:
    data = await admin.gql("query { tasks { nodes { name } } datasets { nodes { id: datasetId } } specs { nodes { id: specId } } }")
    assert data == {"tasks": {"nodes": []}, "datasets": {"nodes": []}, "specs": {"nodes": []}}


async def test_create_task_makes_one_job_result_and_empty_labels_per_item(admin, workspace) -> None:
    urls = image_folder(workspace, 4)
    task = await create_task(admin)
    assert task["name"] == "cars"
    assert task["dataset"]["path"] == "images/" and task["dataset"]["dataType"] == "IMAGE"
    assert task["dataset"]["itemCount"] == 4
    assert task["spec"]["pluginName"] == "rectangle"
    assert task["spec"]["labelSchema"] == SPEC["labelSchema"]
    assert task["statusCounts"] == {**COUNTS_ZERO, "toAnnotate": 4, "total": 4}
    page = await results(admin)
    assert [i["data"]["path"] for i in page["nodes"]] == urls
    for item in page["nodes"]:
        assert (item["status"], item["inProgress"], item["finishedJobIds"]) == ("TO_ANNOTATE",
                                                                              False, [])
        assert item["currentJobId"] and item["thumbnail"]
        labels = await admin.gql(LABELS, {"t": "cars", "d": item["dataId"]})
        assert labels["labels"]["annotations"] == []
        assert statistics(labels["labelStatistics"]) == {"objects": 0, "categories": {}}


async def test_spec_and_dataset_are_reused_by_content(admin, workspace) -> None:
    image_folder(workspace, 2)
    first = await create_task(admin, "a")
    second = await create_task(admin, "b", folder="images/")
    assert second["spec"]["id"] == first["spec"]["id"]
    assert second["dataset"]["id"] == first["dataset"]["id"]
    other = await create_task(admin, "c", spec={**SPEC, "settings": {"zoom": 2}})
    assert other["spec"]["id"] != first["spec"]["id"]
    data = await admin.gql(TASKS)
    assert [t["name"] for t in data["tasks"]["nodes"]] == ["a", "b", "c"]
    assert all(t["statusCounts"]["total"] == 2 for t in data["tasks"]["nodes"])


async def test_users_read_tasks_admins_write_them(http, admin, alice, workspace) -> None:
    image_folder(workspace, 1)
    await create_task(admin)
    assert (await alice.gql(TASK, {"name": "cars"}))["task"]["name"] == "cars"
    refused = await alice.gql_error(CREATE_TASK, {"input": {
        "name": "mine", "dataset": {"path": "images"}, "spec": SPEC}})
    assert refused.code == "FORBIDDEN"
    for query, variables in ((UPDATE_TASK, {"input": {"name": "cars", "settings": {}}}),
                             (DELETE_TASK, {"name": "cars"})):
        assert (await alice.gql_error(query, variables)).code == "FORBIDDEN"
    assert [t["name"] for t in (await admin.gql(TASKS))["tasks"]["nodes"]] == ["cars"]


async def test_duplicate_name_is_a_conflict_and_changes_nothing(admin, workspace) -> None:
    image_folder(workspace, 2)
    image_folder(workspace, 3, folder="more")
    await create_task(admin)
    job = await next_job(admin)
    error = await admin.gql_error(CREATE_TASK, {"input": {
        "name": "cars", "dataset": {"path": "more"}, "spec": SPEC}})
    assert error.code == "CONFLICT" and "cars" in error.message
    task = (await admin.gql(TASK, {"name": "cars"}))["task"]
    assert task["dataset"]["path"] == "images/" and task["statusCounts"]["total"] == 2
    assert (await results(admin, f={"inProgress": True}))["nodes"][0]["dataId"] == job["dataId"]
    assert [d["path"] for d in (await admin.gql("query { datasets { nodes { path } } }"))["datasets"]["nodes"]] == [
        "images/"]  # the other folder was not even scanned


@pytest.mark.parametrize("name", ["", "  ", "a/b", "back\\slash", " padded", "x" * 129, "tab\there"])
async def test_bad_task_names_are_refused_before_anything_is_written(admin, workspace,
                                                                     name: str) -> None:
    image_folder(workspace, 1)
    error = await admin.gql_error(CREATE_TASK, {"input": {
        "name": name, "dataset": {"path": "images"}, "spec": SPEC}})
    assert error.code == "BAD_USER_INPUT" and "task name" in error.message
    await _nothing_created(admin)


@pytest.mark.parametrize("input, field", [
    ({"dataset": {"path": "images", "dataType": "PCL"}}, "data type"),
    ({"dataset": {"path": "../outside"}}, "path"),
    ({"dataset": {"path": "empty"}}, "empty"),
    ({"dataset": {"path": "missing"}}, "missing"),
    ({"spec": {**SPEC, "labelSchema": ["not", "an", "object"]}}, "labelSchema"),
    ({"spec": {**SPEC, "pluginName": "bad name!"}}, "pluginName"),
])
async def test_bad_task_input_is_refused_and_nothing_is_half_written(admin, workspace, input,
                                                                     field: str) -> None:
    image_folder(workspace, 1)
    (workspace / "empty").mkdir()
    variables = {"input": {"name": "cars", "dataset": {"path": "images"}, "spec": SPEC, **input}}
    error = await admin.gql_error(CREATE_TASK, variables)
    assert error.code == "BAD_USER_INPUT", error.errors
    await _nothing_created(admin)


async def test_unknown_tasks_are_not_found(admin) -> None:
    for query, variables in ((TASK, {"name": "nope"}), (DELETE_TASK, {"name": "nope"}),
                             (UPDATE_TASK, {"input": {"name": "nope", "settings": {}}})):
        error = await admin.gql_error(query, variables)
        assert error.code == "NOT_FOUND" and "nope" in error.message


async def test_update_task_changes_its_own_spec_in_place(admin, workspace) -> None:
    image_folder(workspace, 1)
    task = await create_task(admin)
    schema = {"category": [{"name": "bus", "color": "red"}], "default": "bus"}
    updated = (await admin.gql(UPDATE_TASK, {"input": {
        "name": "cars", "labelSchema": schema}}))["updateTask"]["task"]
    assert updated["spec"]["id"] == task["spec"]["id"]
    assert updated["spec"]["labelSchema"] == schema and updated["spec"]["settings"] is None
    settings = (await admin.gql(UPDATE_TASK, {"input": {
        "name": "cars", "settings": {"zoom": 3}}}))["updateTask"]["task"]["spec"]
    assert settings["labelSchema"] == schema and settings["settings"] == {"zoom": 3}
    cleared = (await admin.gql(UPDATE_TASK, {"input": {
        "name": "cars", "settings": None}}))["updateTask"]["task"]["spec"]
    assert cleared["settings"] is None
    error = await admin.gql_error(UPDATE_TASK, {"input": {"name": "cars"}})
    assert error.code == "BAD_USER_INPUT"
    error = await admin.gql_error(UPDATE_TASK, {"input": {"name": "cars", "labelSchema": 3}})
    assert error.code == "BAD_USER_INPUT"
    spec = (await admin.gql(TASK, {"name": "cars"}))["task"]["spec"]
    assert spec["labelSchema"] == schema


async def test_update_task_leaves_a_shared_spec_alone(admin, workspace) -> None:
    image_folder(workspace, 1)
    a = await create_task(admin, "a")
    b = await create_task(admin, "b")
    assert a["spec"]["id"] == b["spec"]["id"]
    schema = {"category": [{"name": "bus", "color": "red"}]}
    moved = (await admin.gql(UPDATE_TASK, {"input": {"name": "a", "labelSchema": schema}}))
    assert moved["updateTask"]["task"]["spec"]["id"] != b["spec"]["id"]
    assert moved["updateTask"]["task"]["spec"]["labelSchema"] == schema
    other = (await admin.gql(TASK, {"name": "b"}))["task"]["spec"]
    assert other == b["spec"]


async def test_delete_cascades_but_keeps_dataset_and_spec(http, admin, workspace) -> None:
    image_folder(workspace, 3)
    task = await create_task(admin)
    alice = await make_user(http, admin, "alice")
    job = await next_job(alice)
    await update_job(alice, job, status="TO_VALIDATE")
    held = await next_job(alice)
    assert (await me(alice))["currAssignedJobs"] == {"cars/to_annotate": held["id"]}
    gid = (await admin.gql('{ task(name: "cars") { id } }'))["task"]["id"]
    deleted = (await admin.gql(DELETE_TASK, {"name": "cars"}))["deleteTask"]
    assert deleted == {"deletedId": gid, "deletedTaskName": "cars"}  # what caches evict
    assert (await admin.gql(TASKS))["tasks"]["nodes"] == []
    assert (await admin.gql_error(LABELS, {"t": "cars", "d": job["dataId"]})).code == "NOT_FOUND"
    assert (await me(alice)) == {"username": "alice", "currAssignedJobs": {},
                                          "queue": {}}
    kept = await admin.gql("query { datasets { nodes { id: datasetId } } specs { nodes { id: specId } } }")
    assert kept == {"datasets": {"nodes": [{"id": task["dataset"]["id"]}]},
                    "specs": {"nodes": [{"id": task["spec"]["id"]}]}}
    # Now free: the dataset can go, and a task of the same name starts afresh.
    await create_task(admin)
    assert (await results(admin))["statusCounts"]["toAnnotate"] == 3


async def test_a_big_task_shows_its_progress_on_the_console(admin, workspace, capsys) -> None:
    folder = workspace / "big"
    folder.mkdir()
    image_folder(workspace, 1, folder="big")
    first = folder / "img000.jpg"
    for n in range(1, 1000):  # the same small picture 1,000 times: a fast scan
        (folder / f"img{n:04d}.jpg").write_bytes(first.read_bytes())
    task = await create_task(admin, "big", folder="big")
    assert task["statusCounts"]["toAnnotate"] == 1000
    console = capsys.readouterr().err
    assert "task big: creating jobs: 1000 to do" in console
    assert "task big: creating jobs: 1000/1000 in" in console

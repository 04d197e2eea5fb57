"""Export -> import, through GraphQL and REST: into a fresh workspace every task comes back with
identical labels, statuses, workers and counters; the files follow the Pixano JSON layout of the
original server; names that are taken get a suffix."""
from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import uuid
from pathlib import Path

import pytest

from graph.app import create_app
from tests.client import login
from tests.conftest import ADMIN_PASSWORD, BOTH_ENGINES, MONGODB_URI, _app_store
from tests.rest.doors import DOORS
from tests.transfer.helpers import EXPORT, IMPORT, busy_workspace, task_state
from tests.workflow.gql import create_task, image_folder, next_job

pytestmark = BOTH_ENGINES

COUNTERS = "/tasks/{t}/results?page=1&count=100"


async def export(door: str, admin, path: str) -> dict:
    if door == "graphql":
        payload = (await admin.gql(EXPORT, {"input": {"path": path}}))["exportTasks"]
        return {"path": payload["path"], "tasks": [t["name"] for t in payload["tasks"]],
                "items": payload["itemCount"]}
    status, body = await admin.rest("POST", "/tasks/export", json={"path": path})
    assert status == 200, body
    return body


async def import_(door: str, admin, path: str) -> dict:
    if door == "graphql":
        payload = (await admin.gql(IMPORT, {"input": {"path": path}}))["importTasks"]
        return {"tasks": [t["name"] for t in payload["tasks"]], "renamed": payload["renamed"],
                "items": payload["itemCount"]}
    status, body = await admin.rest("POST", "/tasks/import", json={"path": path})
    assert status == 200, body
    return body


@pytest.fixture
async def fresh(aiohttp_client, settings, engine, tmp_path: Path):
    """A second server on its own, empty workspace (and database), on the same engine."""
    root = tmp_path / "fresh"
    root.mkdir()
    other = dataclasses.replace(settings, workspace=root,
                                mongodb_database=f"pixano_test_{uuid.uuid4().hex[:12]}")
    client = await aiohttp_client(create_app(other, _app_store(engine)))
    yield root, await login(client, "admin", ADMIN_PASSWORD)
    if MONGODB_URI:
        from motor.motor_asyncio import AsyncIOMotorClient

        await AsyncIOMotorClient(MONGODB_URI).drop_database(other.mongodb_database)


@pytest.mark.parametrize("door", DOORS)
async def test_round_trip_into_a_fresh_workspace_keeps_everything(http, admin, workspace, clock,
                                                                  fresh, door) -> None:
    await busy_workspace(http, admin, workspace, clock)
    before = {t: await task_state(admin, t) for t in ("bikes", "cars")}
    _, before_counters = await admin.rest("GET", COUNTERS.format(t="cars"))
    exported = await export(door, admin, "exports/day1")
    assert exported == {"path": "exports/day1/", "tasks": ["bikes", "cars"], "items": 16}

    root, other = fresh
    shutil.copytree(workspace / "images", root / "images")
    shutil.copytree(workspace / "exports", root / "exports")
    imported = await import_(door, other, "exports/day1")
    assert imported == {"tasks": ["bikes", "cars"], "renamed": [], "items": 16}
    after = {t: await task_state(other, t) for t in ("bikes", "cars")}
    assert after == before
    _, after_counters = await other.rest("GET", COUNTERS.format(t="cars"))
    for key in ("counter", "globalCounter", "doneCounter", "toValidateCounter"):
        assert after_counters[key] == before_counters[key], key
    assert [r["status"] for r in after_counters["results"]] == [
        r["status"] for r in before_counters["results"]]
    # Imported items are nobody's: the one held at export time is free again, and the
    # rejected one waits for its annotator.
    statuses = {i["status"] for i in after["cars"]["items"].values()}
    assert statuses == {"TO_ANNOTATE", "TO_VALIDATE", "TO_CORRECT", "DONE", "DISCARD"}
    in_progress = await other.gql('query { results(taskName: "cars", filter: {inProgress: true})'
                                  " { totalCount } }")
    assert in_progress["results"]["totalCount"] == 0


async def test_round_trip_state_is_rich_enough_to_mean_something(http, admin, workspace,
                                                                  clock) -> None:
    """Guards the round-trip test: the source holds every status, labels, workers and time."""
    await busy_workspace(http, admin, workspace, clock)
    cars = await task_state(admin, "cars")
    assert cars["counts"] == {"toAnnotate": 3, "toValidate": 1, "toCorrect": 1, "done": 2,
                              "discard": 1, "total": 8}
    assert {i["status"] for i in cars["items"].values()} == {
        "TO_ANNOTATE", "TO_VALIDATE", "TO_CORRECT", "DONE", "DISCARD"}
    assert any(i["validator"] for i in cars["items"].values())
    assert any(i["cumulatedTime"] > 0 for i in cars["items"].values())
    assert sum(len(i["annotations"]) for i in cars["items"].values()) > 10


async def test_files_follow_the_original_layout(http, admin, workspace, clock) -> None:
    await busy_workspace(http, admin, workspace, clock)
    await admin.gql(EXPORT, {"input": {"path": "out"}})
    out = workspace / "out"
    assert sorted(p.name for p in out.iterdir()) == ["bikes", "bikes.json", "cars", "cars.json"]
    task = json.loads((out / "cars.json").read_text(encoding="utf-8"))
    assert task == {"name": "cars", "version": "0.9",
                    "spec": {"plugin_name": "rectangle", "data_type": "image",
                             "label_schema": task["spec"]["label_schema"]},
                    "dataset": {"path": "images/", "data_type": "image"}}
    assert json.loads((out / "bikes.json").read_text())["spec"]["settings"] == {"zoom": 2}
    files = sorted(p.name for p in (out / "cars").iterdir())
    assert files == [f"img{i:03d}.json" for i in range(8)]
    item = json.loads((out / "cars" / "img000.json").read_text(encoding="utf-8"))
    assert list(item) == ["task_name", "data_id", "annotations", "data"]
    assert item["task_name"] == "cars" and item["annotations"][0]["options"] == {"note": "é ü ☃"}
    assert item["data"] == {"type": "image", "path": "images/img000.jpg", "children": [],
                            "status": "done", "annotator": "ann", "validator": "val",
                            "cumulated_time": item["data"]["cumulated_time"]}
    assert item["data"]["cumulated_time"] > 0
    assert "é ü ☃" in (out / "cars" / "img000.json").read_text(encoding="utf-8")


async def test_taken_names_get_a_suffix(admin, workspace) -> None:
    image_folder(workspace, 3)
    await create_task(admin, "cars")
    await create_task(admin, "cars-1")
    await admin.gql(EXPORT, {"input": {"path": "exports"}})
    first = (await admin.gql(IMPORT, {"input": {"path": "exports"}}))["importTasks"]
    # Task files are read in file name order: cars-1.json, then cars.json.
    assert [t["name"] for t in first["tasks"]] == ["cars-1-1", "cars-2"]
    assert first["renamed"] == [{"requested": "cars-1", "name": "cars-1-1"},
                                {"requested": "cars", "name": "cars-2"}]
    status, body = await admin.rest("POST", "/tasks/import", json={"path": "exports"})
    assert status == 200 and body["tasks"] == ["cars-1-2", "cars-3"]
    names = [t["name"] for t in (await admin.gql("query { tasks { nodes { name } } }"))["tasks"]["nodes"]]
    assert names == ["cars", "cars-1", "cars-1-1", "cars-1-2", "cars-2", "cars-3"]
    # Each import is a task of its own: working in one leaves the others untouched.
    job = await next_job(admin, task="cars-2")
    assert job["taskName"] == "cars-2"
    counts = await admin.gql('query { task(name: "cars-3") { statusCounts { toAnnotate } } }')
    assert counts["task"]["statusCounts"]["toAnnotate"] == 3


async def test_concurrent_imports_of_one_folder_get_distinct_names(admin, workspace) -> None:
    image_folder(workspace, 4)
    await create_task(admin, "cars")
    await admin.gql(EXPORT, {"input": {"path": "exports"}})
    outcomes = await asyncio.gather(*(admin.gql(IMPORT, {"input": {"path": "exports"}})
                                      for _ in range(4)))
    names = sorted(o["importTasks"]["tasks"][0]["name"] for o in outcomes)
    assert names == ["cars-1", "cars-2", "cars-3", "cars-4"]
    tasks = (await admin.gql("query { tasks { nodes { name statusCounts { total } } } }"))[
        "tasks"]["nodes"]
    assert [(t["name"], t["statusCounts"]["total"]) for t in tasks] == [
        ("cars", 4), ("cars-1", 4), ("cars-2", 4), ("cars-3", 4), ("cars-4", 4)]

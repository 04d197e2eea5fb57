"""The task manager (views/app-project-manager.js): create a task (new task, plugin, dataset
path, label schema), save its schema, remove it; errors shown in a pop-up."""
from __future__ import annotations

import pytest

from tests.conftest import BOTH_ENGINES
from tests.legacy_app.app import AppError
from tests.legacy_app.conftest import IMAGES, RECTANGLE_SCHEMA, new_task, user_tab

pytestmark = BOTH_ENGINES


async def test_create_save_and_remove_a_task(tab, campaign) -> None:
    admin = campaign["admin"]
    created = await admin.post_task(new_task("bikes"))
    assert created["name"] == "bikes" and admin.task_name == "bikes"
    tasks = {t["name"]: t for t in await admin.get_tasks()}
    bikes = tasks["bikes"]
    assert (bikes["dataset"]["path"], bikes["dataset"]["data_type"]) == ("images/", "image")
    assert bikes["dataset"]["id"] == tasks["cars"]["dataset"]["id"]  # the same folder
    assert (bikes["spec"]["plugin_name"], bikes["spec"]["label_schema"]) == ("rectangle",
                                                                            RECTANGLE_SCHEMA)
    # the editor's JSON changed, then "Save task": the whole task is sent back
    schema = {**RECTANGLE_SCHEMA, "default": "class2"}
    await admin.put_task({**bikes, "spec": {**bikes["spec"], "label_schema": schema}})
    reread = next(t for t in await admin.get_tasks() if t["name"] == "bikes")
    assert reread["spec"]["label_schema"] == schema
    assert next(t for t in await admin.get_tasks()
                if t["name"] == "cars")["spec"]["label_schema"] == RECTANGLE_SCHEMA
    page = await admin.fetch_range_results(1, 100)
    assert page["globalCounter"] == len(IMAGES)
    # "Remove task"
    remaining = await admin.delete_task("bikes")
    assert [t["name"] for t in remaining] == ["cars"] and admin.task_name == "cars"
    assert [t["name"] for t in await admin.get_tasks()] == ["cars"]


async def test_errors_come_back_for_the_pop_up(tab, campaign) -> None:
    admin = campaign["admin"]
    with pytest.raises(AppError) as taken:
        await admin.post_task(new_task("cars"))
    assert taken.value.status == 400 and "cars" in taken.value.message
    missing = new_task("nowhere")
    missing["dataset"]["path"] = "no-such-folder/"
    with pytest.raises(AppError) as bad_path:
        await admin.post_task(missing)
    assert bad_path.value.status == 400 and bad_path.value.message
    ann = await user_tab(tab, "ann")
    with pytest.raises(AppError) as forbidden:
        await ann.post_task(new_task("mine"))
    assert forbidden.value.status == 403
    with pytest.raises(AppError) as forbidden:
        await ann.delete_task("cars")
    assert forbidden.value.status == 403

"""Fixtures of the old-app replays: browser tabs (`OldApp`), a workspace of images, and a task
created the way the task manager creates it. Every replay runs on both engines."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tests.conftest import ADMIN_PASSWORD
from tests.files import make_images
from tests.legacy_app.app import OldApp

#: plugins/index.js defaultLabelValues('rectangle') and defaultSettings('rectangle').
RECTANGLE_SCHEMA = {
    "category": [
        {"name": "class1", "color": "blue", "properties": []},
        {"name": "class2", "color": "#eca0a0", "properties": []},
        {"name": "class3", "color": "green", "properties": [
            {"name": "checkbox example", "type": "checkbox", "default": False},
            {"name": "dropdown example", "type": "dropdown",
             "enum": ["something", "something else", "anything else"], "default": "something"},
            {"name": "textfield example", "type": "textfield", "default": "some text"}]},
    ],
    "default": "class1",
}
IMAGES = [f"img_{i:05d}.jpg" for i in range(12)]
BOX = {"id": "b1", "category": "class1", "geometry": {"type": "rectangle",
                                                      "vertices": [0.1, 0.1, 0.5, 0.6]}}


def new_task(name: str) -> dict[str, Any]:
    """app-project-manager.js `onAddTask` with the rectangle plugin chosen and a name typed."""
    return {"name": name, "spec": {"plugin_name": "rectangle", "label_schema": RECTANGLE_SCHEMA,
                                   "settings": {}, "data_type": "image"},
            "dataset": {"path": "images/"}}


@pytest.fixture
async def tab(http) -> AsyncIterator[Callable[[], OldApp]]:
    """Open a new browser tab of the old app (its own cookies and state)."""
    opened: list[OldApp] = []

    def open_tab() -> OldApp:
        opened.append(OldApp(http))
        return opened[-1]

    yield open_tab
    for app in opened:
        await app.close()


@pytest.fixture
async def campaign(tab, workspace) -> dict[str, Any]:
    """The admin logs in, creates the annotators `ann` and `val` in the user manager and the
    task `cars` over images/ in the task manager: the state every later screen starts from."""
    make_images(workspace / "images", IMAGES)
    admin = tab()
    await admin.login_request("admin", ADMIN_PASSWORD)
    for name in ("ann", "val", "ann2"):
        await admin.signup({"username": name, "password": f"{name}-password", "role": "user",
                            "preferences": {"theme": "white"}})
    await admin.post_task(new_task("cars"))
    await admin.get_tasks()
    return {"admin": admin}


async def user_tab(tab, name: str) -> OldApp:
    app = tab()
    await app.login_request(name, f"{name}-password")
    return app

"""`pixano-graph export|import WORKSPACE PATH` on real workspaces: progress shown, summaries on
stdout, clear errors and exit codes, and the same result as the API's (checked through it)."""
from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

from graph.app import create_app
from tests.client import login
from tests.conftest import ADMIN_PASSWORD, MONGODB_URI
from tests.files import make_images
from tests.transfer.helpers import busy_workspace, task_state
from tests.transfer.test_refusals import NOTHING, item_file, task_file, write


def run_cli(settings, *args: str) -> subprocess.CompletedProcess:
    """The command as a user runs it, on the store the test server uses."""
    env = {**os.environ, "PIXANO_MONGODB_DATABASE": settings.mongodb_database}
    return subprocess.run([sys.executable, "-m", "graph.cli", *args], capture_output=True,
                          text=True, timeout=120, env=env)


async def test_export_then_import_on_a_live_workspace(http, admin, workspace, clock,
                                                      settings) -> None:
    await busy_workspace(http, admin, workspace, clock)
    done = run_cli(settings, "export", str(workspace), "exports/cli")
    assert done.returncode == 0, done.stderr
    assert "exported 2 task(s), 16 item file(s), to exports/cli/" in done.stdout
    assert "export to exports/cli/: 16 to do" in done.stderr
    assert "export to exports/cli/: 16/16 in" in done.stderr
    assert sorted(p.name for p in (workspace / "exports" / "cli").iterdir()) == [
        "bikes", "bikes.json", "cars", "cars.json"]
    # An absolute path inside the workspace means the same folder.
    done = run_cli(settings, "import", str(workspace), str(workspace / "exports" / "cli"))
    assert done.returncode == 0, done.stderr
    assert "imported 2 task(s) (bikes-1, cars-1) with 16 annotation file(s)" in done.stdout
    assert "'cars' was taken: imported as 'cars-1'" in done.stdout
    assert "import from exports/cli/: 16 to do" in done.stderr
    for name in ("bikes", "cars"):  # read through the running server
        assert await task_state(admin, f"{name}-1") == await task_state(admin, name)


async def test_import_into_a_workspace_never_served(http, admin, workspace, clock, settings,
                                                    aiohttp_client, tmp_path: Path) -> None:
    await busy_workspace(http, admin, workspace, clock)
    assert run_cli(settings, "export", str(workspace), "out").returncode == 0
    fresh = tmp_path / "fresh"
    shutil.copytree(workspace / "images", fresh / "images")
    shutil.copytree(workspace / "out", fresh / "out")
    other = dataclasses.replace(settings, workspace=fresh,
                                mongodb_database=settings.mongodb_database + "_fresh")
    done = run_cli(other, "import", str(fresh), "out")
    assert done.returncode == 0, done.stderr
    assert "imported 2 task(s) (bikes, cars)" in done.stdout
    served = await login(await aiohttp_client(create_app(other)), "admin", ADMIN_PASSWORD)
    for name in ("bikes", "cars"):
        assert await task_state(served, name) == await task_state(admin, name)
    if MONGODB_URI:
        from motor.motor_asyncio import AsyncIOMotorClient

        await AsyncIOMotorClient(MONGODB_URI).drop_database(other.mongodb_database)


async def test_refusals_have_clear_messages_and_exit_codes(admin, workspace, settings,
                                                           tmp_path: Path) -> None:
    make_images(workspace / "images", ["a.jpg"])
    write(workspace / "bad" / "cars.json", task_file("cars"))
    write(workspace / "bad" / "cars" / "ghost.json", item_file("images/ghost.jpg"))
    cases = [
        (("import", str(workspace), "bad"), 2, "bad/cars/ghost.json"),
        (("export", str(workspace), "../elsewhere"), 2, "leave the workspace"),
        (("export", str(workspace), str(tmp_path)), 2, "relative to the workspace"),
        (("import", str(workspace), ".pixano"), 2, "server's own files"),
        (("import", str(workspace), "nowhere"), 2, "no such folder"),
        (("export", str(tmp_path / "missing"), "out"), 2, "does not exist or is not a folder"),
        (("import", str(workspace), "bad", "--mongodb-uri",
          "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"), 1, "MongoDB"),
    ]
    for args, code, message in cases:
        done = run_cli(settings, *args)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
    assert not (tmp_path / "elsewhere").exists()
    assert await admin.gql(NOTHING) == {"tasks": {"nodes": []}, "datasets": {"nodes": []},
                                        "specs": {"nodes": []}}

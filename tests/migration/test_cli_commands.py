"""The real commands: `serve` points at `migrate` when a workspace still holds db.ldb, and
`migrate` runs from the command line with its progress and report."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.migration.legacy_workspace import write_legacy_workspace
from tests.serverproc import ServerProcess


def test_serve_on_an_unmigrated_workspace_says_how_to_migrate(tmp_path: Path) -> None:
    write_legacy_workspace(tmp_path)
    server = ServerProcess(tmp_path, env={"PIXANO_ADMIN_PASSWORD": "x" * 12, "MONGODB_URI": ""})
    try:
        server.wait_ready()
    finally:
        output = server.stop()
    hints = [line for line in output.splitlines() if "pixano-graph migrate" in line]
    assert len(hints) == 1 and str(tmp_path) in hints[0] and "db.ldb" in hints[0]


def test_migrate_from_the_command_line(tmp_path: Path) -> None:
    write_legacy_workspace(tmp_path)
    command = [sys.executable, "-m", "graph.cli", "migrate", str(tmp_path)]
    env = {"PATH": "/usr/bin:/bin", "MONGODB_URI": ""}
    dry = subprocess.run([*command, "--dry-run"], capture_output=True, text=True, env=env)
    assert dry.returncode == 0 and "Dry run" in dry.stdout
    assert not (tmp_path / ".pixano").exists()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "migrating db.ldb" in done.stderr and "result" in done.stdout
    again = subprocess.run(command, capture_output=True, text=True, env=env)
    assert again.returncode == 1 and "--force" in again.stderr
    server = ServerProcess(tmp_path, env={"MONGODB_URI": ""})
    try:
        server.wait_ready()
    finally:
        output = server.stop()
    assert "pixano-graph migrate" not in output  # the store is no longer empty

"""The command line: clear messages and exit codes when the server cannot start."""
from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from PIL import Image


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("serve", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "does not exist or is not a folder" in result.stderr


def test_unwritable_workspace_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / ".pixano").write_text("a file where the private folder should be")
    result = run_cli("serve", str(tmp_path))
    assert result.returncode == 1
    assert "is not writable" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_mongodb_is_a_clear_error_and_exits_non_zero(tmp_path: Path) -> None:
    result = run_cli("serve", str(tmp_path), "--port", "0", "--mongodb-uri",
                     "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300")
    assert result.returncode == 1
    assert "cannot use MongoDB" in result.stderr and "Traceback" not in result.stderr


def test_bad_job_lease_variable_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PIXANO_JOB_LEASE", "soon")
    result = run_cli("serve", str(tmp_path))
    assert result.returncode == 2 and "PIXANO_JOB_LEASE" in result.stderr


def test_demo_builds_a_workspace_of_real_images(tmp_path: Path) -> None:
    result = run_cli("demo", str(tmp_path / "demo"), "--count", "5")
    assert result.returncode == 0, result.stderr
    images = sorted((tmp_path / "demo" / "images").glob("*.jpg"))
    assert len(images) == 5
    with Image.open(images[0]) as image:
        assert image.format == "JPEG" and image.size == (640, 480)


def test_workers_must_be_one_or_more(tmp_path: Path) -> None:
    result = run_cli("serve", str(tmp_path), "--workers", "0")
    assert result.returncode == 2 and "--workers must be 1 or more" in result.stderr


def test_a_taken_port_stops_the_workers_before_they_start(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", str(tmp_path), "--port", str(port), "--workers", "2")
    assert result.returncode == 1
    assert "cannot start" in result.stderr and "Traceback" not in result.stderr
    assert "worker processes" not in result.stdout  # no worker was started

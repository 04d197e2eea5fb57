"""A migrated pixano-app workspace, on each engine (MongoDB through mongomock, or MONGODB_URI)."""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.app import create_app
from graph.cli_store import default_store, run_async
from graph.settings import Settings
from store import Store
from tests.conftest import _mongo_store
from tests.migration.legacy_workspace import write_legacy_workspace


def folder_digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(params=["sqlite", "mongodb"])
def store_factory(request, settings: Settings) -> Callable[[Settings], Store]:
    if request.param == "sqlite":
        return lambda s: default_store(dataclasses.replace(s, mongodb_uri=None))
    shared = _mongo_store(settings.mongodb_database)  # one (fake) server for every open
    return lambda s: type(shared)(shared._client, s.mongodb_database)


@pytest.fixture
def legacy_db(workspace: Path) -> Path:
    return write_legacy_workspace(workspace)


async def run_command(settings: Settings, factory: Callable[[Settings], Store], command: str,
                      *extra: str, snapshot: Path | None = None) -> int:
    args = argparse.Namespace(command=command, workspace=settings.workspace,
                              dry_run="--dry-run" in extra, force="--force" in extra,
                              snapshot=snapshot, mongodb_uri=None)
    return await run_async(args, settings, factory)


@pytest.fixture
async def migrated(aiohttp_client, settings: Settings, store_factory, legacy_db: Path, capsys):
    """The app on the store the legacy workspace was migrated into; (client, report text)."""
    assert await run_command(settings, store_factory, "migrate") == 0
    report = capsys.readouterr().out
    client = await aiohttp_client(create_app(settings, store_factory))
    return client, report

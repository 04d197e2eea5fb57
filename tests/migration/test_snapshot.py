"""Snapshot (REST and GraphQL, admins) and `pixano-graph restore`: the same store comes back."""
from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

from graph.app import create_app
from graph.settings import Settings
from tests.client import Caller, login
from tests.migration.conftest import run_command

SNAPSHOT = """mutation($input: SnapshotInput!) { snapshot(input: $input) {
  snapshot { name path consistent counts { users tasks results labels dataItems } } } }"""


async def store_dump(factory, settings: Settings) -> list[str]:
    store = factory(settings)
    await store.open()
    try:
        return sorted([json.dumps(e, sort_keys=True) async for b in store.dump() for e in b])
    finally:
        await store.close()


async def test_snapshot_is_admin_only_refuses_urls_and_is_never_served(migrated, settings) -> None:
    http, _ = migrated
    admin = await login(http, "admin", "old-admin")
    ann = await login(http, "ann", "ann-pw")
    assert (await ann.rest("POST", "/project/snapshot"))[0] == 403
    assert (await Caller(http).rest("POST", "/project/snapshot"))[0] == 401
    status, body = await admin.rest("POST", "/project/snapshot", json={"url": "http://x.example"})
    assert status == 400 and "never sends data" in body["message"]
    assert not (settings.state_dir / "snapshots").exists() or \
        not list((settings.state_dir / "snapshots").iterdir())
    status, body = await admin.rest("POST", "/project/snapshot")  # the old app sends no body
    assert status == 201 and body["path"].startswith(".pixano/snapshots/snapshot-")
    assert body["counts"]["results"] == 10 and body["counts"]["users"] == 4
    assert body["consistent"] in (True, False)
    with zipfile.ZipFile(settings.workspace / body["path"]) as zf:
        assert json.loads(zf.read("manifest.json"))["counts"]["label"] == 10
    response = await http.get("/data/" + body["path"], headers=admin.headers)
    assert response.status in (403, 404)
    error = await ann.gql_error(SNAPSHOT, {"input": {}})
    assert error.code == "FORBIDDEN"
    data = await admin.gql(SNAPSHOT, {"input": {"note": "before the upgrade"}})
    assert data["snapshot"]["snapshot"]["name"] != body["name"]  # same second: a new name
    assert data["snapshot"]["snapshot"]["counts"]["tasks"] == 2


async def test_snapshot_then_restore_gives_the_same_store(
        migrated, settings: Settings, store_factory, tmp_path: Path, aiohttp_client,
        capsys) -> None:
    http, _ = migrated
    admin = await login(http, "admin", "old-admin")
    ann = await login(http, "ann", "ann-pw")
    await ann.rest("GET", "/tasks/cars/jobs/next?objective=to_annotate")  # some live state
    status, body = await admin.rest("POST", "/project/snapshot")
    assert status == 201
    snapshot = settings.workspace / body["path"]
    before = await store_dump(store_factory, settings)
    status, page_before = await admin.rest("GET", "/tasks/cars/results?page=1&count=10")
    await http.close()

    other = dataclasses.replace(settings, workspace=tmp_path / "other",
                                mongodb_database=settings.mongodb_database + "_restored")
    other.workspace.mkdir()
    assert await run_command(other, store_factory, "restore", snapshot=snapshot) == 0
    assert "restored" in capsys.readouterr().out
    assert await store_dump(store_factory, other) == before
    client = await aiohttp_client(create_app(other, store_factory))
    admin2 = await login(client, "admin", "old-admin")
    status, page_after = await admin2.rest("GET", "/tasks/cars/results?page=1&count=10")
    assert page_after == page_before
    # a store with data is not overwritten without --force
    assert await run_command(other, store_factory, "restore", snapshot=snapshot) == 1
    assert "already holds data" in capsys.readouterr().err


async def test_a_damaged_snapshot_changes_nothing(settings, store_factory, tmp_path: Path,
                                                  capsys) -> None:
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip")
    assert await run_command(settings, store_factory, "restore", snapshot=bogus) == 1
    assert "cannot read the snapshot" in capsys.readouterr().err
    with zipfile.ZipFile(bogus, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "pixano-graph-snapshot",
                                                 "format_version": 1, "counts": {}}))
        zf.writestr("records.jsonl", '{"kind": "user", "record": {"username": "x"}}\n')
    assert await run_command(settings, store_factory, "restore", snapshot=bogus) == 1
    assert "lacks password" in capsys.readouterr().err
    assert await store_dump(store_factory, settings) == []


async def test_graphql_refuses_a_url_too(migrated) -> None:
    http, _ = migrated
    admin = await login(http, "admin", "old-admin")
    error = await admin.gql_error(SNAPSHOT, {"input": {"url": "http://search.example"}})
    assert error.code == "BAD_USER_INPUT" and "never sends data" in error.message

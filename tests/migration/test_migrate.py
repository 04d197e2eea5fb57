"""`pixano-graph migrate`: a pixano-app LevelDB, written in the original layout over several runs,
migrated on both engines, then used through REST and GraphQL as old clients would."""
from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image

from tests.client import Caller, login
from tests.migration.conftest import folder_digest, run_command

TASK_COUNTS = """query { tasks { nodes { name
  statusCounts { toAnnotate toValidate toCorrect done discard total } } } }"""
STATS = """query($t: String!, $d: ID!) { labelStatistics(taskName: $t, dataId: $d) {
  objectCount categories { category count } } }"""


async def rest_login(http, username: str, password: str) -> Caller:
    return await login(http, username, password)


async def test_the_report_counts_and_lists_what_it_skipped(migrated) -> None:
    _, report = migrated
    assert "4 plain-text passwords hashed" in report
    assert "1 held jobs kept, 1 stale holds released, 1 corrections queued" in report
    assert "skipped 'd:dsimg:half'" in report and "skipped 'd:dspcl:odd'" in report
    assert "unknown data type 'hologram'" in report
    assert "skipped 'r:cars:': a half-written key" in report
    assert "skipped 'o:'" in report
    lines = {line.split()[0]: line.split()[1:] for line in report.splitlines()[1:9]}
    assert lines["task"][:3] == ["2", "migrated,", "0"]
    assert lines["result"][:3] == ["10", "migrated,", "1"]
    assert lines["data"][:3] == ["10", "migrated,", "2"]


async def test_old_passwords_log_in_and_users_keep_preferences(migrated) -> None:
    http, _ = migrated
    status, _ = await Caller(http).rest("POST", "/login", json={"username": "admin",
                                                              "password": "admin"})
    assert status == 401  # the password of the first run was overwritten by the third
    admin = await rest_login(http, "admin", "old-admin")
    ann = await rest_login(http, "ann", "ann-pw")
    status, users = await admin.rest("GET", "/users")
    assert status == 200
    by_name = {u["username"]: u for u in users}
    assert sorted(by_name) == ["admin", "ann", "bob", "val"]  # `gone` was deleted
    assert by_name["ann"]["preferences"] == {"theme": "dark"}
    assert by_name["admin"]["role"] == "admin" and "password" not in by_name["ann"]
    status, me = await ann.rest("GET", "/profile")
    assert status == 200 and me["username"] == "ann"


async def test_tasks_counters_datasets_and_thumbnails(migrated, workspace: Path) -> None:
    http, _ = migrated
    admin = await rest_login(http, "admin", "old-admin")
    data = await admin.gql(TASK_COUNTS)
    counts = {t["name"]: t["statusCounts"] for t in data["tasks"]["nodes"]}
    assert counts == {
        "cars": {"toAnnotate": 3, "toValidate": 1, "toCorrect": 1, "done": 1, "discard": 1,
                 "total": 7},
        "clouds": {"toAnnotate": 1, "toValidate": 1, "toCorrect": 0, "done": 1, "discard": 0,
                   "total": 3},
    }
    status, item = await admin.rest("GET", "/datasets/dsimg/data/c2")
    assert status == 200 and item["path"] == "/data/images/img_2.jpg"
    thumbnail = Image.open(io.BytesIO(base64.b64decode(item["thumbnail"])))
    assert thumbnail.size == (66, 48)  # the stored one, copied (img_2 is 66x48)
    status, media = await admin.rest("GET", "/datasets/dspcl/data/p1")
    assert status == 200 and media["type"] == "pcl" and media["path"] == "/data/pcls/p1.bin"
    response = await http.get(item["path"], headers=admin.headers)
    assert response.status == 200


async def test_next_job_rules_carry_on_where_the_old_server_stopped(migrated) -> None:
    http, _ = migrated
    ann = await rest_login(http, "ann", "ann-pw")
    bob = await rest_login(http, "bob", "bob-pw")
    val = await rest_login(http, "val", "val-pw")
    # the item ann was working on resumes
    status, job = await ann.rest("GET", "/tasks/cars/jobs/next?objective=to_annotate")
    assert status == 200 and (job["id"], job["data_id"]) == ("c1a", "c1")
    assert await ann.rest("PUT", "/tasks/cars/labels/c1", json={
        "task_name": "cars", "data_id": "c1",
        "annotations": [{"id": "n", "category": "person"}]}) == (204, None)
    assert (await ann.rest("PUT", "/tasks/cars/jobs/c1a", json={"status": "to_validate"}))[0] == 204
    # then the correction queued for her, before any free item
    status, job = await ann.rest("GET", "/tasks/cars/jobs/next?objective=to_annotate")
    assert (job["id"], job["data_id"], job["objective"]) == ("c3c", "c3", "to_correct")
    # bob's stale hold on c6 was released; he gets the first free item in the old order
    status, job = await bob.rest("GET", "/tasks/cars/jobs/next?objective=to_annotate")
    assert job["data_id"] == "c0"
    status, job = await val.rest("GET", "/tasks/cars/jobs/next?objective=to_validate")
    assert job["data_id"] == "c1"
    # finished jobs came over as history: updating one is 410 (finished), not 404 (unknown)
    status, body = await ann.rest("PUT", "/tasks/cars/jobs/c2a", json={})
    assert status == 410 and body["type"] == "job_denied"
    status, body = await ann.rest("PUT", "/tasks/cars/jobs/nosuchjob", json={})
    assert status == 404


async def test_labels_statistics_and_result_navigation(migrated) -> None:
    http, _ = migrated
    admin = await rest_login(http, "admin", "old-admin")
    status, labels = await admin.rest("GET", "/tasks/cars/labels/c4")
    assert status == 200 and [a["category"] for a in labels["annotations"]] == ["car", "car", "bike"]
    stats = await admin.gql(STATS, {"t": "cars", "d": "c4"})
    assert stats["labelStatistics"] == {"objectCount": 3, "categories": [
        {"category": "bike", "count": 1}, {"category": "car", "count": 2}]}
    status, empty = await admin.rest("GET", "/tasks/cars/labels/c0")
    assert status == 200 and empty["annotations"] == []
    status, page = await admin.rest("GET", "/tasks/cars/results?page=1&count=10")
    assert status == 200 and page["counter"] == 7 and page["doneCounter"] == 1
    assert [r["data_id"] for r in page["results"]] == [f"c{i}" for i in range(7)]
    by_id = {r["data_id"]: r for r in page["results"]}
    assert by_id["c3"]["annotator"] == "ann" and by_id["c3"]["validator"] == "val"
    assert by_id["c3"]["finished_job_ids"] == ["c3a", "c3v"] and by_id["c3"]["cumulated_time"] == 25
    assert by_id["c1"]["in_progress"] is True and by_id["c6"]["in_progress"] is False
    # c1 was running when the old server stopped: the 200 s up to its last save are banked
    assert by_id["c1"]["cumulated_time"] == 15 + 200
    assert by_id["c5"]["status"] == "discard" and by_id["c5"]["current_job_id"] == ""
    status, after = await admin.rest("GET", "/tasks/cars/results/c2/next")
    assert status == 200 and after["data_id"] == "c3"
    status, before = await admin.rest("GET", "/tasks/cars/results/c0/previous")
    assert status == 200 and before == {}
    status, filtered = await admin.rest("GET", "/tasks/cars/results?status=done;discard")
    assert sorted(r["data_id"] for r in filtered["results"]) == ["c4", "c5"]
    # each result carries its item's workspace-relative path, and the path filter finds it
    assert by_id["c3"]["path"] == "images/img_3.jpg"
    status, by_path = await admin.rest("GET", "/tasks/cars/results?path=img_3;img_5")
    assert status == 200 and [r["data_id"] for r in by_path["results"]] == ["c3", "c5"]


async def test_the_old_database_is_never_changed(settings, store_factory, legacy_db: Path) -> None:
    before = folder_digest(legacy_db)
    assert await run_command(settings, store_factory, "migrate") == 0
    assert folder_digest(legacy_db) == before
    assert not list(settings.state_dir.glob("migrate-*"))  # the scratch copy is gone


async def test_a_second_run_refuses_and_force_does_not_duplicate(
        aiohttp_client, settings, store_factory, legacy_db: Path, capsys) -> None:
    from graph.app import create_app

    assert await run_command(settings, store_factory, "migrate") == 0
    assert await run_command(settings, store_factory, "migrate") == 1
    err = capsys.readouterr().err
    assert "already holds data" in err and "pixano-app" in err and "--force" in err
    assert await run_command(settings, store_factory, "migrate", "--force") == 0
    http = await aiohttp_client(create_app(settings, store_factory))
    admin = await rest_login(http, "admin", "old-admin")
    status, page = await admin.rest("GET", "/tasks/cars/results")
    assert page["counter"] == 7
    assert len((await admin.rest("GET", "/users"))[1]) == 4


async def test_a_dry_run_writes_nothing(settings, store_factory, legacy_db: Path, capsys) -> None:
    assert await run_command(settings, store_factory, "migrate", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Dry run: nothing was written" in out and "would migrate" in out
    assert not settings.state_dir.exists()  # no store was even opened



async def test_a_corrupt_database_is_refused_and_the_store_left_untouched(
        settings, store_factory, legacy_db: Path, capsys) -> None:
    from tests.migration.test_snapshot import store_dump

    assert await run_command(settings, store_factory, "migrate") == 0
    before = await store_dump(store_factory, settings)
    for table in legacy_db.glob("*.ldb"):
        data = table.read_bytes()
        table.write_bytes(data[: len(data) // 2])  # truncated tables
    assert await run_command(settings, store_factory, "migrate", "--force") == 1
    err = capsys.readouterr().err
    assert "cannot read the old database" in err and "nothing was changed" in err
    assert await store_dump(store_factory, settings) == before


async def test_no_old_database_is_a_clear_error(settings, store_factory, capsys) -> None:
    assert await run_command(settings, store_factory, "migrate") == 1
    assert "no pixano-app database" in capsys.readouterr().err

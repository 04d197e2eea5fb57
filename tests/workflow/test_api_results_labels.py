"""Results (filters, sorts, pagination, navigation) and labels (authorisation, statistics)
through GraphQL, on a task with mixed statuses."""
from __future__ import annotations

import pytest

from tests.conftest import BOTH_ENGINES, make_user
from tests.workflow.gql import (
    statistics,
    LABELS,
    NEIGHBOURS,
    RESULTS,
    SAVE_LABELS,
    create_task,
    image_folder,
    next_job,
    results,
    update_job,
)

pytestmark = BOTH_ENGINES


@pytest.fixture
async def mixed(http, admin, workspace) -> dict:
    """12 images: ann annotates 6 (one discarded), val validates 4 (2 done, 1 rejected back to
    ann, 1 still held), ann2 holds one; the rest untouched."""
    urls = image_folder(workspace, 12)
    await create_task(admin)
    ann = await make_user(http, admin, "ann")
    ann2 = await make_user(http, admin, "ann2")
    val = await make_user(http, admin, "val")
    for i in range(6):
        job = await next_job(ann)
        await update_job(ann, job, status="DISCARD" if i == 5 else "TO_VALIDATE")
    for verdict in ("DONE", "TO_CORRECT", "DONE"):
        job = await next_job(val, objective="VALIDATE")
        await update_job(val, job, status=verdict)
    held_by_val = await next_job(val, objective="VALIDATE")
    held_by_ann2 = await next_job(ann2)
    items = (await results(admin, first=50))["nodes"]
    return {"urls": urls, "ids": [i["dataId"] for i in items], "ann": ann, "ann2": ann2,
            "val": val, "held": {held_by_val["dataId"], held_by_ann2["dataId"]}}


async def test_statuses_counts_and_filters(admin, mixed) -> None:
    ids = mixed["ids"]
    page = await results(admin, first=50)
    assert [i["status"] for i in page["nodes"]] == [
        "DONE", "TO_CORRECT", "DONE", "TO_VALIDATE", "TO_VALIDATE", "DISCARD", "TO_ANNOTATE",
        "TO_ANNOTATE", "TO_ANNOTATE", "TO_ANNOTATE", "TO_ANNOTATE", "TO_ANNOTATE"]
    assert page["statusCounts"] == {"toAnnotate": 6, "toValidate": 2, "toCorrect": 1, "done": 2,
                                    "discard": 1, "total": 12}
    assert (page["totalCount"], page["globalCount"]) == (12, 12)
    assert all(i["thumbnail"] for i in page["nodes"])
    assert [i["data"]["path"] for i in page["nodes"]] == mixed["urls"]

    async def ids_of(**variables) -> list[str]:
        out = await results(admin, first=50, **variables)
        assert out["totalCount"] == len(out["nodes"])
        return [i["dataId"] for i in out["nodes"]]

    assert await ids_of(f={"status": ["DONE", "TO_CORRECT"]}) == ids[:3]
    assert await ids_of(f={"worker": "val"}) == ids[:4]
    assert await ids_of(f={"worker": "ann"}) == ids[:6]
    assert await ids_of(f={"annotator": "ann", "status": ["TO_VALIDATE"]}) == ids[3:5]
    assert await ids_of(f={"validator": "val", "status": ["DONE"]}) == [ids[0], ids[2]]
    assert set(await ids_of(f={"inProgress": True})) == mixed["held"]
    assert await ids_of(f={"dataId": ids[4]}) == [ids[4]]
    assert await ids_of(f={"worker": "nobody"}) == []
    assert await ids_of(s="STATUS") == ids[6:] + ids[3:5] + [ids[1], ids[0], ids[2], ids[5]]
    by_annotator = await ids_of(s="ASSIGNED")
    assert by_annotator == ids[7:] + ids[:6] + [ids[6]]  # '' < 'ann' < 'ann2'


async def test_keyset_and_offset_pages(admin, mixed) -> None:
    everything = [i["dataId"] for i in (await results(admin, s="STATUS", first=50))["nodes"]]
    seen, after = [], None
    while True:
        page = await results(admin, s="STATUS", first=5, after=after)
        seen += [i["dataId"] for i in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == everything
    legacy = []
    for number in range(3):
        legacy += [i["dataId"] for i in (await results(admin, s="STATUS", first=5,
                                                         offset=5 * number))["nodes"]]
    assert legacy == everything
    empty = await results(admin, first=5, offset=100)
    assert empty["nodes"] == [] and empty["pageInfo"] == {"hasNextPage": False, "endCursor": None}


async def test_navigation_honours_filters_and_sort(admin, mixed) -> None:
    ids = mixed["ids"]

    async def around(data_id, **variables):
        data = await admin.gql(NEIGHBOURS, {"t": "cars", "d": data_id, **variables})
        return tuple(x and x["dataId"] for x in (data["previousResult"], data["nextResult"]))

    assert await around(ids[0]) == (None, ids[1])
    assert await around(ids[11]) == (ids[10], None)
    assert await around(ids[2], f={"status": ["DONE"]}) == (ids[0], None)
    assert await around(ids[6], f={"worker": "ann"}) == (ids[5], None)
    assert await around(ids[11], s="STATUS") == (ids[10], ids[3])
    assert await around(ids[5], s="STATUS") == (ids[2], None)


async def test_listing_bad_input(admin, mixed) -> None:
    for variables, code in (({"t": "nope"}, "NOT_FOUND"),
                            ({"t": "cars", "first": 5000}, "BAD_USER_INPUT"),
                            ({"t": "cars", "first": -1}, "BAD_USER_INPUT"),
                            ({"t": "cars", "offset": -1}, "BAD_USER_INPUT"),
                            ({"t": "cars", "after": "not-a-cursor"}, "BAD_USER_INPUT"),
                            ({"t": "cars", "f": {"status": ["SOON"]}}, "BAD_USER_INPUT")):
        assert (await admin.gql_error(RESULTS, variables)).code == code, variables
    page = await results(admin, first=2)
    wrong_sort = await admin.gql_error(RESULTS, {"t": "cars", "s": "ASSIGNED",
                                                 "after": page["pageInfo"]["endCursor"]})
    assert wrong_sort.code == "BAD_USER_INPUT" and "sort" in wrong_sort.message
    missing = await admin.gql_error(NEIGHBOURS, {"t": "cars", "d": "ghost"})
    assert missing.code == "NOT_FOUND"


async def test_labels_only_for_the_holder_or_an_admin(http, admin, mixed) -> None:
    ann2, ann, val = mixed["ann2"], mixed["ann"], mixed["val"]
    plain = await make_user(http, admin, "plain")
    held = next(iter((await results(admin, f={"inProgress": True, "annotator": "ann2"}))["nodes"]))
    target = held["dataId"]
    annotations = [{"id": "a", "category": "car", "geometry": {"vertices": [0, 0, 1, 1]}},
                   {"id": "b", "category": "car"}, {"id": "c", "category": "truck"}]
    for caller in (ann, val, plain):  # another annotator, a validator, a plain user
        error = await caller.gql_error(SAVE_LABELS, {"t": "cars", "d": target, "a": annotations})
        assert error.code == "FORBIDDEN" and "ann2" in error.message
    assert (await admin.gql(LABELS, {"t": "cars", "d": target}))["labels"]["annotations"] == []
    saved = await ann2.gql(SAVE_LABELS, {"t": "cars", "d": target, "a": annotations})
    assert saved["saveLabels"]["labels"] == {"taskName": "cars", "dataId": target, "annotations": annotations}
    read = await plain.gql(LABELS, {"t": "cars", "d": target})
    assert read["labels"]["annotations"] == annotations
    assert statistics(read["labelStatistics"]) == {"objects": 3,
                                                "categories": {"car": 2, "truck": 1}}
    # A done item has no holder: only an admin may still fix its labels.
    done = mixed["ids"][0]
    assert (await ann.gql_error(SAVE_LABELS, {"t": "cars", "d": done, "a": []})).code == "FORBIDDEN"
    fixed = await admin.gql(SAVE_LABELS, {"t": "cars", "d": done, "a": [{"category": "bus"}]})
    assert fixed["saveLabels"]["labels"]["annotations"] == [{"category": "bus"}]
    assert statistics((await admin.gql(LABELS, {"t": "cars", "d": done}))["labelStatistics"]) == {
        "objects": 1, "categories": {"bus": 1}}


async def test_labels_unknown_task_or_item(admin, mixed) -> None:
    assert (await admin.gql_error(LABELS, {"t": "nope", "d": "x"})).code == "NOT_FOUND"
    assert (await admin.gql(LABELS, {"t": "cars", "d": "ghost"})) == {"labels": None,
                                                                        "labelStatistics": None}
    error = await admin.gql_error(SAVE_LABELS, {"t": "cars", "d": "ghost", "a": []})
    assert error.code == "NOT_FOUND"
    assert (await admin.gql(LABELS, {"t": "cars", "d": "ghost"}))["labels"] is None


async def test_a_labels_save_refreshes_the_holders_lease(http, admin, workspace, settings,
                                                         clock) -> None:
    image_folder(workspace, 1)
    await create_task(admin)
    alice = await make_user(http, admin, "alice")
    bob = await make_user(http, admin, "bob")
    job = await next_job(alice)
    clock.advance(settings.job_lease_seconds - 1)
    await alice.gql(SAVE_LABELS, {"t": "cars", "d": job["dataId"], "a": [{"category": "car"}]})
    clock.advance(10)
    assert await next_job(bob) is None
    assert (await update_job(alice, job, status="TO_VALIDATE"))["result"]["status"] == "TO_VALIDATE"

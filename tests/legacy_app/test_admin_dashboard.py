"""The admin dashboard (views/app-dashboard-admin.js): the results table (status, path,
annotator, validator, state, time, thumbnail), its filters (each a *contains* filter, `;`
alternatives), its pages (5/100/200 rows, first/previous/next/last), tagging selected rows with a
status and unassigning them. The app has no sort control; the `sort` parameter of the API
document is checked on `/jobs`, which takes it."""
from __future__ import annotations

import math

import pytest

from tests.conftest import BOTH_ENGINES
from tests.legacy_app.app import AppError
from tests.legacy_app.conftest import BOX, IMAGES, user_tab

pytestmark = BOTH_ENGINES


@pytest.fixture
async def worked(tab, campaign) -> dict:
    """ann submits 4 items and holds a fifth, ann2 submits 2 and holds one, val validates 2,
    rejects 1 and holds a fourth."""
    ann, ann2, val = [await user_tab(tab, n) for n in ("ann", "ann2", "val")]
    for app, count in ((ann, 4), (ann2, 2)):
        await app.fetch_new_job("to_annotate")
        for _ in range(count):
            app.draw(BOX)
            await app.submission("to_validate", "to_annotate")  # ends holding the next one
    await ann.interrupt_job()  # ann leaves the label page: still holds (in progress)
    await val.fetch_new_job("to_validate")
    for verdict in ("done", "done", "to_correct"):
        await val.submission(verdict, "to_validate")
    return {"admin": campaign["admin"]}


def column(page: dict, key: str) -> list:
    return [row[key] for row in page["results"]]


async def test_the_table_shows_what_each_column_needs(worked) -> None:
    admin = worked["admin"]
    page = await admin.fetch_range_results(1, 100)
    assert admin.sent[-1].url == "/api/v1/tasks/cars/results?page=1&count=100"
    rows = page["results"]
    assert column(page, "path") == [f"images/{name}" for name in IMAGES]
    # ann submitted items 0-3 and holds 4, ann2 submitted 5-6 and holds 7; val validated 0-1,
    # rejected 2 and holds 3
    assert column(page, "status")[:9] == ["done", "done", "to_correct", "to_validate",
                                         "to_annotate", "to_validate", "to_validate",
                                         "to_annotate", "to_annotate"]
    assert column(page, "annotator")[:9] == ["ann"] * 5 + ["ann2"] * 3 + [""]
    assert column(page, "validator")[:5] == ["val", "val", "val", "val", ""]
    assert all(isinstance(r["in_progress"], bool) for r in rows)  # `.toString()` in the table
    assert [str(r["in_progress"]).lower() for r in rows].count("true") == 3  # ann, ann2, val
    assert all(isinstance(r["cumulated_time"], (int, float)) and r["thumbnail"] for r in rows)
    assert (page["counter"], page["globalCounter"], page["doneCounter"],
            page["toValidateCounter"]) == (len(IMAGES), len(IMAGES), 2, 3)


async def test_filters_contain_and_take_alternatives(worked) -> None:
    admin = worked["admin"]

    async def table(**filters: str) -> dict:
        for key, value in filters.items():
            admin.update_filter(key, value)
        return await admin.fetch_range_results(1, 100)

    page = await table(status="to_validate")
    assert admin.sent[-1].url.endswith("?page=1&count=100&status=to_validate")
    assert set(column(page, "status")) == {"to_validate"} and page["counter"] == 3
    assert (page["globalCounter"], page["doneCounter"]) == (len(IMAGES), 2)  # whole task
    page = await table(status="to_validate;done")
    assert set(column(page, "status")) == {"to_validate", "done"} and page["counter"] == 5
    page = await table(status="", path="img_0000")  # typed in the Path field
    assert column(page, "path") == [f"images/img_0000{i}.jpg" for i in range(10)]
    page = await table(path="img_00001;img_00011")
    assert column(page, "path") == ["images/img_00001.jpg", "images/img_00011.jpg"]
    page = await table(path="", annotator="ann")  # ann and ann2
    assert set(column(page, "annotator")) == {"ann", "ann2"} and page["counter"] == 8
    page = await table(annotator='"ann"')  # quoted: exactly ann, as on the original server
    assert set(column(page, "annotator")) == {"ann"} and page["counter"] == 5
    page = await table(annotator="", validator="va")
    assert set(column(page, "validator")) == {"val"}
    page = await table(validator="", in_progress="true")
    assert all(column(page, "in_progress")) and page["counter"] == 3
    page = await table(in_progress="false", status="to_annotate")
    assert not any(column(page, "in_progress")) and set(column(page, "status")) == {"to_annotate"}
    prefix = column(page, "data_id")[0][:6]
    page = await table(in_progress="", status="", data_id=prefix)
    assert page["counter"] >= 1 and all(prefix in r["data_id"] for r in page["results"])
    page = await table(data_id="", status="no-such-status")
    assert (page["results"], page["counter"], page["globalCounter"]) == ([], 0, len(IMAGES))


async def test_pages_of_5_100_and_200_rows(worked) -> None:
    admin = worked["admin"]
    seen = []
    for number in range(1, 4):  # pageSize 5: first page, then next, next
        page = await admin.fetch_range_results(number, 5)
        seen += column(page, "data_id")
    assert len(seen) == len(IMAGES) == len(set(seen))
    last = math.ceil(page["counter"] / 5)  # onLastPage
    assert column(await admin.fetch_range_results(last, 5), "data_id") == seen[10:]
    assert len((await admin.fetch_range_results(1, 200))["results"]) == len(IMAGES)
    admin.update_filter("status", "to_validate;to_correct")
    page = await admin.fetch_range_results(2, 2)
    assert page["counter"] == 4 and len(page["results"]) == 2
    assert set(column(page, "status")) <= {"to_validate", "to_correct"}


async def test_sort_on_the_jobs_listing(worked) -> None:
    admin = worked["admin"]
    rows = await admin.GET("/api/v1/tasks/cars/jobs?page=1&sort=status&annotator=ann")
    assert [r["status"] for r in rows] == sorted(
        (r["status"] for r in rows),
        key=["to_annotate", "to_validate", "to_correct", "done", "discard"].index)
    assert {r["annotator"] for r in rows} == {"ann", "ann2"}
    rows = await admin.GET("/api/v1/tasks/cars/jobs?sort=assigned&count=100")
    names = [r["annotator"] for r in rows]
    assert names == sorted(names)


async def test_tag_as_and_unassign_selected_rows(worked, tab) -> None:
    admin = worked["admin"]
    page = await admin.fetch_range_results(1, 100)
    selected = column(page, "data_id")[5:7]  # two to_validate rows
    await admin.put_result_status(selected, "done")  # "Tag as done" + Ok
    assert admin.sent[-1].body == {"data_ids": selected, "status": "done"}
    page = await admin.fetch_range_results(1, 100)
    assert column(page, "status")[5:7] == ["done", "done"] and page["doneCounter"] == 4
    held = [r["data_id"] for r in page["results"] if r["in_progress"]]
    await admin.reset_result_status(held)  # "Unassign job"
    assert admin.sent[-1].body == {"data_ids": held}
    page = await admin.fetch_range_results(1, 100)
    assert not any(column(page, "in_progress"))
    ann = await user_tab(tab, "ann")
    with pytest.raises(AppError) as refused:
        await ann.put_result_status(selected, "to_annotate")
    assert refused.value.status == 403

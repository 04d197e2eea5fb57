"""The annotator dashboard (views/app-dashboard-user.js): progress counters read with
`fetchRangeResults(this.page, this.pageSize)`, both never set: `page=undefined&count=undefined`."""
from __future__ import annotations

import pytest

from tests.conftest import BOTH_ENGINES
from tests.legacy_app.app import AppError
from tests.legacy_app.conftest import BOX, IMAGES, user_tab

pytestmark = BOTH_ENGINES


async def test_counters_with_page_and_count_undefined(tab, campaign) -> None:
    ann = await user_tab(tab, "ann")
    assert ann.navigate_home() == "dashboard-user"
    data = await ann.fetch_range_results(None, None)
    assert ann.sent[-1].url == "/api/v1/tasks/cars/results?page=undefined&count=undefined"
    assert (data["globalCounter"], data["doneCounter"]) == (len(IMAGES), 0)
    assert data["counter"] == len(IMAGES) and len(data["results"]) == 10  # the defaults
    # "Start Annotating", one item submitted, validated by val: the counters follow
    await ann.fetch_new_job("to_annotate")
    ann.draw(BOX)
    await ann.submission("to_validate", "to_annotate")
    val = await user_tab(tab, "val")
    val.task_name = "cars"
    await val.fetch_new_job("to_validate")
    await val.submission("done", "to_validate")
    data = await ann.fetch_range_results(None, None)
    assert (data["globalCounter"], data["doneCounter"], data["toValidateCounter"]) == (
        len(IMAGES), 1, 0)


async def test_other_non_numbers_stay_errors(tab, campaign) -> None:
    ann = await user_tab(tab, "ann")
    for query in ("page=abc&count=10", "page=1&count=ten", "page=null&count=10", "page=0"):
        with pytest.raises(AppError) as refused:
            await ann.GET(f"/api/v1/tasks/cars/results?{query}")
        assert refused.value.status == 400 and refused.value.body["type"] == "bad_user_input"

"""The legacy JSON keeps its numbers and comments while GraphQL has `DateTime` and `Comment`:
times are the same Unix seconds, written exactly as the REST layer wrote them when GraphQL's
fields were floats (the number's Python `repr`: `1700000000.0`, `30.5`), and comments read back
as the texts given. Checked on the number tokens of the raw body, not on parsed values."""
from __future__ import annotations

import json
from typing import Any

import pytest

from tests.client import Caller, login
from tests.conftest import ADMIN_PASSWORD, BOTH_ENGINES, USER_PASSWORD, make_user
from tests.files import make_images
from tests.rest.legacy import LegacyClient
from tests.workflow.gql import JOB, iso

pytestmark = BOTH_ENGINES

SPEC = {"plugin_name": "rectangle", "data_type": "image",
        "label_schema": {"category": [{"name": "car", "color": "green", "properties": []}],
                         "default": "car"}}


def tokens(text: str) -> Any:
    """The JSON body with each number as ("float"|"int", its exact text)."""
    return json.loads(text, parse_float=lambda s: ("float", s), parse_int=lambda s: ("int", s))


@pytest.fixture
async def people(http):
    clients: list[LegacyClient] = []

    async def person(username: str, password: str) -> LegacyClient:
        clients.append(await LegacyClient(http).login(username, password))
        return clients[-1]

    yield person
    for client in clients:
        await client.close()


@pytest.fixture
async def campaign(http, people, workspace, clock) -> tuple[Caller, LegacyClient, LegacyClient]:
    """A task of one item per case of COMMENTS; (the admin on GraphQL, ann, val on REST)."""
    clock.now = 1_733_030_000.0  # sessions last a day: the tests' times are within it
    admin = await login(http, "admin", ADMIN_PASSWORD)
    make_images(workspace / "images", [f"{i}.jpg" for i in range(len(COMMENTS))])
    boss = await people("admin", ADMIN_PASSWORD)
    assert (await boss.post("/tasks/", {"name": "cars", "dataset": {"path": "images/"},
                                        "spec": SPEC}))[0] == 201
    await make_user(http, admin, "ann")
    await make_user(http, admin, "val")
    return admin, await people("ann", USER_PASSWORD), await people("val", USER_PASSWORD)


async def test_times_are_the_same_unix_seconds_as_before(campaign, clock) -> None:
    admin, ann, _ = campaign
    clock.now = 1_733_034_000.123456789  # a time.time() reading: kept to the millisecond
    job = tokens(await ann.text("/tasks/cars/jobs/next?objective=to_annotate"))
    assert job["start_at"] == job["last_update_at"] == ("float", "1733034000.123")
    assert job["duration"] == ("float", "0.0")
    typed = (await admin.gql(JOB, {"t": "cars", "j": job["id"]}))["job"]
    assert typed["startAt"] == typed["lastUpdateAt"] == "2024-12-01T06:20:00.123Z"

    clock.advance(30.5)
    assert await ann.put(f"/tasks/cars/jobs/{job['id']}", {"interrupt": True}) == (204, None)
    clock.now = 1_733_040_000.0  # an integral time is a float token, as GraphQL's Float made it
    resumed = tokens(await ann.text("/tasks/cars/jobs/next?objective=to_annotate"))
    assert resumed["id"] == job["id"] and resumed["start_at"] == ("float", "1733040000.0")
    typed = (await admin.gql(JOB, {"t": "cars", "j": job["id"]}))["job"]
    assert resumed["duration"] == ("float", repr(typed["durationSeconds"]))
    assert abs(typed["durationSeconds"] - 30.5) < 0.002
    assert typed["startAt"] == "2024-12-01T08:00:00.000Z"

    clock.advance(12.25)
    assert await ann.put(f"/tasks/cars/jobs/{job['id']}", {"status": "to_validate"}) == (204, None)
    result = tokens(await ann.text(f"/tasks/cars/results/{job['data_id']}"))
    typed = (await admin.gql(JOB, {"t": "cars", "j": job["id"]}))["job"]
    assert result["cumulated_time"] == ("float", repr(typed["durationSeconds"]))
    assert typed["startAt"] is None and typed["lastUpdateAt"] == iso(1_733_040_012.25)


COMMENTS = [  # what a validator sends, and the exact `"comments":…` text the correction shows
    (["the box is too large", "and a bus"], '"comments":["the box is too large","and a bus"]'),
    ("redo", '"comments":["redo"]'),
    ({"why": "blurry"}, '"comments":["{\\"why\\": \\"blurry\\"}"]'),
    ([], None), (None, None), ("", None)]


async def test_comments_read_back_as_their_texts(campaign, clock) -> None:
    _, ann, val = campaign
    for comments, expected in COMMENTS:
        job = (await ann.get("/tasks/cars/jobs/next?objective=to_annotate"))[1]
        assert await ann.put(f"/tasks/cars/jobs/{job['id']}", {"status": "to_validate"}) == (
            204, None)
        review = (await val.get("/tasks/cars/jobs/next?objective=to_validate"))[1]
        assert "comments" not in review  # the annotator left none
        assert await val.put(f"/tasks/cars/jobs/{review['id']}",
                             {"objective": "to_correct", "comments": comments}) == (204, None)
        text = await ann.text("/tasks/cars/jobs/next")  # the correction comes first
        fix = json.loads(text)
        assert (fix["data_id"], fix["objective"]) == (job["data_id"], "to_correct")
        if expected is None:  # "none" is no key at all, as before: never '' or []
            assert "comments" not in fix
        else:
            assert expected in text
        assert await ann.put(f"/tasks/cars/jobs/{fix['id']}", {"status": "to_validate"}) == (
            204, None)
        again = (await val.get("/tasks/cars/jobs/next?objective=to_validate"))[1]
        assert await val.put(f"/tasks/cars/jobs/{again['id']}", {"status": "done"}) == (204, None)

"""Subscriptions end to end: a websocket client subscribes, other users work over HTTP, and the
expected messages arrive, in order."""
from __future__ import annotations

from pathlib import Path

from tests.client import Caller
from tests.conftest import BOTH_ENGINES
from tests.live.wsclient import LiveClient
from tests.workflow.gql import SAVE_LABELS, create_task, image_folder, next_job, update_job

PROGRESS = """subscription($t: String!) { taskProgress(taskName: $t) {
  taskName statusCounts { toAnnotate toValidate toCorrect done discard total }
  labelTotals { objectCount categories { category count } } } }"""
CHANGES = """subscription($t: String!, $f: ResultFilter) { resultChanged(taskName: $t, filter: $f) {
  taskName dataId labelsChanged resync result { dataId status annotator validator inProgress } } }"""
MY_WORK = """subscription { myWork { kind taskName job { id: jobId dataId objective comments { author text } } } }"""

pytestmark = BOTH_ENGINES


async def _task(workspace: Path, admin: Caller, count: int = 3) -> None:
    image_folder(workspace, count)
    await create_task(admin)


async def test_progress_starts_with_the_counts_then_follows_submits_and_labels(
        http, workspace, admin, alice) -> None:
    await _task(workspace, admin)
    live = await (await LiveClient.connect(http, admin.token)).acked()
    op = await live.subscribe(PROGRESS, {"t": "cars"})
    first = (await live.next(op))["taskProgress"]
    assert first["statusCounts"] == {"toAnnotate": 3, "toValidate": 0, "toCorrect": 0,
                                     "done": 0, "discard": 0, "total": 3}
    assert first["labelTotals"] == {"objectCount": 0, "categories": []}
    job = await next_job(alice)
    await alice.gql(SAVE_LABELS, {"t": "cars", "d": job["dataId"],
                                  "a": [{"category": "car"}, {"category": "car"}]})
    await update_job(alice, job, status="TO_VALIDATE")
    seen = (await live.next(op))["taskProgress"]
    if seen["statusCounts"]["toValidate"] == 0:  # the labels and the submit came apart
        seen = (await live.next(op))["taskProgress"]
    assert seen["statusCounts"]["toAnnotate"] == 2 and seen["statusCounts"]["toValidate"] == 1
    assert seen["labelTotals"] == {"objectCount": 2, "categories": [{"category": "car", "count": 2}]}
    await live.nothing()
    await live.close()


async def test_result_changes_arrive_in_order_and_rejection_reaches_the_annotator(
        http, workspace, admin, alice, bob) -> None:
    await _task(workspace, admin)
    table = await (await LiveClient.connect(http, admin.token)).acked()
    rows = await table.subscribe(CHANGES, {"t": "cars"})
    inbox = await (await LiveClient.connect(http, alice.token)).acked()
    work = await inbox.subscribe(MY_WORK)

    job = await next_job(alice)
    await alice.gql(SAVE_LABELS, {"t": "cars", "d": job["dataId"], "a": [{"category": "car"}]})
    await update_job(alice, job, status="TO_VALIDATE")
    review = await next_job(bob, objective="VALIDATE")
    await update_job(bob, review, status="TO_CORRECT", comments=["box too small"])

    # One message per change, in order (the labels save is the second); each shows the row as
    # it is when the message is made, so the last shows where it ended.
    changes = [(await table.next(rows))["resultChanged"] for _ in range(5)]
    assert [c["dataId"] for c in changes] == [job["dataId"]] * 5
    assert [c["labelsChanged"] for c in changes] == [False, True, False, False, False]
    order = ["TO_ANNOTATE", "TO_VALIDATE", "TO_CORRECT"]
    ranks = [order.index(c["result"]["status"]) for c in changes]
    assert ranks == sorted(ranks)
    assert changes[-1]["result"] == {"dataId": job["dataId"], "status": "TO_CORRECT",
                                     "annotator": "alice", "validator": "bob",
                                     "inProgress": False}
    await table.nothing()

    notice = (await inbox.next(work))["myWork"]
    assert notice["kind"] == "QUEUED" and notice["taskName"] == "cars"
    assert notice["job"]["dataId"] == job["dataId"]
    assert notice["job"]["objective"] == "TO_CORRECT"
    assert notice["job"]["comments"] == [{"author": "bob", "text": "box too small"}]
    await inbox.nothing()


async def test_a_filter_leaves_other_rows_empty(http, workspace, admin, alice) -> None:
    await _task(workspace, admin)
    table = await (await LiveClient.connect(http, admin.token)).acked()
    rows = await table.subscribe(CHANGES, {"t": "cars", "f": {"status": ["TO_VALIDATE"]}})
    job = await next_job(alice)
    claimed = (await table.next(rows))["resultChanged"]
    assert claimed["result"] is None and claimed["dataId"] == job["dataId"]
    await update_job(alice, job, status="TO_VALIDATE")
    ended = (await table.next(rows))["resultChanged"]
    assert ended["result"]["status"] == "TO_VALIDATE" and not ended["resync"]


async def test_a_batch_reset_names_its_items(http, workspace, admin, alice) -> None:
    await _task(workspace, admin)
    table = await (await LiveClient.connect(http, admin.token)).acked()
    rows = await table.subscribe(CHANGES, {"t": "cars"})
    ids = [r["dataId"] for r in (await admin.gql(
        'query { results(taskName: "cars") { nodes { dataId } } }'))["results"]["nodes"]]
    await admin.gql('mutation($ids: [ID!]!) { updateResults(input: {taskName: "cars", '
                    'dataIds: $ids, status: DONE}) { count } }', {"ids": ids[:2]})
    got = [(await table.next(rows))["resultChanged"] for _ in range(2)]
    assert [(c["dataId"], c["result"]["status"]) for c in got] == [(ids[0], "DONE"),
                                                                   (ids[1], "DONE")]
    job = (await admin.gql('query { results(taskName: "cars") { nodes { currentJobId } } }'))
    await admin.gql('mutation($j: [ID!]!) { updateJobs(input: {taskName: "cars", jobIds: $j}) '
                    '{ count } }',
                    {"j": [job["results"]["nodes"][2]["currentJobId"]]})
    assert (await table.next(rows))["resultChanged"]["resync"] is True


async def test_a_lease_takeover_tells_the_previous_holder(http, workspace, admin, alice, bob,
                                                          clock, settings) -> None:
    await _task(workspace, admin, count=1)
    inbox = await (await LiveClient.connect(http, alice.token)).acked()
    work = await inbox.subscribe(MY_WORK)
    held = await next_job(alice)
    clock.advance(settings.job_lease_seconds + 1)
    taken = await next_job(bob)
    assert taken["id"] == held["id"]
    notice = (await inbox.next(work))["myWork"]
    assert notice["kind"] == "TAKEN_OVER" and notice["job"]["id"] == held["id"]
    await inbox.nothing()


async def test_unknown_task_is_an_error_message_and_the_socket_stays(http, admin) -> None:
    live = await (await LiveClient.connect(http, admin.token)).acked()
    await live.send({"type": "subscribe", "id": "1",
                     "payload": {"query": PROGRESS, "variables": {"t": "nope"}}})
    message = await live.receive()
    assert message["type"] == "error" and message["id"] == "1"
    assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"
    await live.send({"type": "ping"})
    assert await live.receive() == {"type": "pong"}

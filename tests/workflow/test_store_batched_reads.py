"""Batched point reads (`get_results`, `get_jobs`) on both engines: what the GraphQL loaders ask
for a whole page at once. Each answers like its one-item read, in the order asked, None for what
is unknown, whatever the repeats and however long the list (past one IN-list chunk)."""
from __future__ import annotations

from typing import Any

from store import Store
from store.repositories.workflow_types import JobAction
from store.sqlite.in_lists import BATCH
from tests.workflow.helpers import claim, end, make_task


async def history_task(store: Store, clock: Any) -> dict[str, Any]:
    """Six items: d000 annotated by ann (its finished job, then a validation job), d001 held
    by ann, d002 done (annotated by ann, validated by val: no current job), the rest untouched."""
    ids = await make_task(store, count=6)
    first = await claim(store, "ann", clock)
    await end(store, first, "ann", "to_validate", clock)
    second = await claim(store, "ann", clock)
    await end(store, second, "ann", "to_validate", clock)
    review = await claim(store, "val", clock, "to_validate")
    assert review["data_id"] == ids[0]
    await store.update_job("t", review["id"], "val", JobAction.INTERRUPT, clock())
    other = await claim(store, "val2", clock, "to_validate")
    assert other["data_id"] == ids[1]
    await end(store, other, "val2", "done", clock)
    held = await claim(store, "ann", clock)
    return {"ids": ids, "finished": first, "review": review, "verdict": other, "held": held}


async def test_jobs_are_read_in_bulk_in_the_order_asked(store: Store, clock) -> None:
    task = await history_task(store, clock)
    finished, review, verdict, held = (task[k]["id"] for k in ("finished", "review", "verdict",
                                                               "held"))
    asked = [held, "ghost", finished, verdict, review, finished, ""]
    jobs = await store.get_jobs("t", asked)
    assert jobs == [await store.get_job("t", job_id) for job_id in asked]
    assert [j and j["id"] for j in jobs] == [held, None, finished, verdict, review, finished, None]
    by_id = {j["id"]: j for j in jobs if j}
    # A finished job comes from the history with the item's annotator and validator as now.
    assert (by_id[finished]["data_id"], by_id[finished]["objective"],
            by_id[finished]["assigned_to"], by_id[finished]["start_at"]) == (
        task["ids"][0], "to_annotate", "ann", 0.0)
    assert (by_id[verdict]["annotator"], by_id[verdict]["validator"]) == ("ann", "val2")
    # A current job comes from its result: held and running, or interrupted.
    assert (by_id[held]["assigned_to"], by_id[held]["start_at"] > 0) == ("ann", True)
    assert (by_id[review]["objective"], by_id[review]["assigned_to"],
            by_id[review]["start_at"]) == ("to_validate", "val", 0.0)
    assert await store.get_jobs("other", [held, finished]) == [None, None]
    assert await store.get_jobs("t", []) == []


async def test_results_are_read_in_bulk_in_the_order_asked(store: Store, clock) -> None:
    ids = (await history_task(store, clock))["ids"]
    asked = [ids[2], "ghost", ids[0], ids[1], ids[2], ids[5]]
    states = await store.get_results("t", asked)
    assert states == [await store.get_result("t", data_id) for data_id in asked]
    assert [s and (s["data_id"], s["status"]) for s in states] == [
        (ids[2], "to_annotate"), None, (ids[0], "to_validate"), (ids[1], "done"),
        (ids[2], "to_annotate"), (ids[5], "to_annotate")]
    assert states[0] is not None and states[0]["in_progress"]  # held by ann
    assert await store.get_results("other", ids[:2]) == [None, None]
    assert await store.get_results("t", []) == []


async def test_lists_longer_than_one_statement_are_read_whole(store: Store, clock) -> None:
    """Past BATCH distinct values the embedded engine splits its IN list: ids in the first and
    in the last chunk are all found, in place."""
    task = await history_task(store, clock)
    ghosts = [f"ghost{i:05d}" for i in range(BATCH + 10)]
    data_ids = [task["ids"][0], *ghosts, task["ids"][1]]
    states = await store.get_results("t", data_ids)
    assert len(states) == len(data_ids) and states[1:-1] == [None] * len(ghosts)
    assert (states[0] and states[0]["data_id"], states[-1] and states[-1]["data_id"]) == (
        task["ids"][0], task["ids"][1])
    job_ids = [task["held"]["id"], *ghosts, task["finished"]["id"], task["held"]["id"]]
    jobs = await store.get_jobs("t", job_ids)
    assert len(jobs) == len(job_ids) and jobs[1:-2] == [None] * len(ghosts)
    assert [j and j["id"] for j in (jobs[0], jobs[-2], jobs[-1])] == [
        task["held"]["id"], task["finished"]["id"], task["held"]["id"]]

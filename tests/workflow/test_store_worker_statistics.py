"""Per-worker statistics as a store contract on both engines: items annotated and validated
(from the results' last annotator and validator) and time spent (from the jobs they held),
summed in the database per task or over every task."""
from __future__ import annotations

from store import Store
from store.repositories.workflow_types import JobAction
from tests.workflow.helpers import claim, end, make_task


def stats(username: str, annotated: int, validated: int, seconds: float) -> dict:
    return {"username": username, "annotated": annotated, "validated": validated,
            "time_spent": seconds}


async def work(store: Store, user: str, clock, seconds: float, status: str,
               objective: str = "to_annotate", task: str = "t") -> dict:
    job = await claim(store, user, clock, objective, task=task)
    clock.advance(seconds)
    await end(store, job, user, status, clock)
    return job


async def test_items_and_time_per_worker_per_task_and_overall(store: Store, clock) -> None:
    await make_task(store, count=4)
    await make_task(store, "u", count=1)
    assert await store.get_worker_statistics("t") == []
    await work(store, "ann", clock, 10, "to_validate")
    await work(store, "ann", clock, 20, "to_validate")
    await work(store, "val", clock, 5, "to_correct", "to_validate")  # sent back to ann
    await work(store, "val", clock, 7, "done", "to_validate")
    fix = await claim(store, "ann", clock)  # ann's correction, then the page is left
    assert fix["objective"] == "to_correct"
    clock.advance(3)
    await store.update_job("t", fix["id"], "ann", JobAction.INTERRUPT, clock())
    await work(store, "bob", clock, 4.5, "to_validate")
    held = await claim(store, "bob", clock)  # held, nothing banked yet: not counted
    assert held["objective"] == "to_annotate"
    await work(store, "ann", clock, 100, "to_validate", task="u")

    # ann: 2 items submitted (one back to correct, still hers), 10 + 20 s and 3 s banked on
    # the correction she holds; val: 2 verdicts; bob: 1 item, his held job has banked nothing.
    assert await store.get_worker_statistics("t") == [
        stats("ann", 2, 0, 33.0), stats("bob", 1, 0, 4.5), stats("val", 0, 2, 12.0)]
    assert await store.get_worker_statistics() == [
        stats("ann", 3, 0, 133.0), stats("bob", 1, 0, 4.5), stats("val", 0, 2, 12.0)]
    assert await store.get_worker_statistics(username="ann") == [stats("ann", 3, 0, 133.0)]
    assert await store.get_worker_statistics("u", "val") == []
    assert await store.get_worker_statistics("nope") == []


async def test_a_dropped_job_keeps_its_time_and_a_deleted_task_its_nothing(store: Store,
                                                                            clock) -> None:
    ids = await make_task(store, count=2)
    job = await claim(store, "ann", clock)
    clock.advance(8)
    await store.update_job("t", job["id"], "ann", JobAction.INTERRUPT, clock())
    # an admin sends the item back to annotation: the job is dropped into the history
    await store.reset_items("t", [job["data_id"]], by_job=False, status="to_annotate",
                            now=clock())
    assert (await store.get_result("t", job["data_id"]))["current_job_id"] != job["id"]
    assert await store.get_worker_statistics("t") == [stats("ann", 0, 0, 8.0)]
    await store.delete_task("t")
    assert await store.get_worker_statistics() == [] and ids

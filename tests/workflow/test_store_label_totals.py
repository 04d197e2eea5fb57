"""Label statistics summed per task, as a store contract on both engines: counters kept by every
write of labels (save, submit with labels, a task's creation with imported labels, its deletion,
a restore), equal at every step to the sum of the items' statistics, exact under concurrent
saves of one task."""
from __future__ import annotations

import asyncio
from typing import Any

from store import Store
from store.repositories.workflow_types import ItemSeed
from tests.store.test_dump_contract import batches, dumped, entries
from tests.workflow.helpers import all_results, claim, data_ids, end, make_task

TASK = {"name": "t", "spec_id": "spec-1", "dataset_id": "ds-1"}
#: Category names a field path or a key could trip on: dots, dollars, percents, empty, unicode.
ODD = ["a.b", "$x", "50%", "", "voiture", "%2E"]


def objects(*categories: str) -> list[dict[str, Any]]:
    return [{"id": str(i), "category": c} for i, c in enumerate(categories)]


async def scanned(store: Store, task: str = "t") -> dict[str, Any]:
    """The totals by brute force: every item's statistics added up."""
    totals: dict[str, Any] = {"objects": 0, "categories": {}}
    for state in await all_results(store, task):
        stats = (await store.get_label_statistics(task, state["data_id"]))["value"]
        totals["objects"] += stats["objects"]
        for name, count in stats["categories"].items():
            totals["categories"][name] = totals["categories"].get(name, 0) + count
    totals["categories"] = dict(sorted(totals["categories"].items()))
    return totals


async def test_totals_follow_saves_and_submits(store: Store, clock) -> None:
    ids = await make_task(store, count=3)
    await make_task(store, "other", count=1)
    assert await store.get_label_totals("t") == {"objects": 0, "categories": {}}
    await store.save_labels("t", ids[0], objects("car", "car", "bus"), "admin", True, clock())
    await store.save_labels("t", ids[1], [*objects(*ODD), {"no": "category"}], "admin", True,
                            clock())
    expected = {"objects": 10, "categories": dict(sorted(
        {"car": 2, "bus": 1, **{name: 1 for name in ODD}}.items()))}
    assert await store.get_label_totals("t") == expected == await scanned(store)
    # a save replaces: what it removed is taken off, what it added is counted
    await store.save_labels("t", ids[0], objects("bus", "truck"), "admin", True, clock())
    assert await store.get_label_totals("t") == await scanned(store)
    assert (await store.get_label_totals("t"))["categories"]["bus"] == 1
    assert "car" not in (await store.get_label_totals("t"))["categories"]  # none left: absent
    # labels given with a submit are counted by the same write
    job = await claim(store, "ann", clock)
    await end(store, job, "ann", "to_validate", clock, annotations=objects("car", "a.b"))
    totals = await store.get_label_totals("t")
    assert totals == await scanned(store) and totals["categories"]["a.b"] == 2
    # free JSON that is not a list counts no object
    await store.save_labels("t", ids[1], {"not": "a list"}, "admin", True, clock())
    assert await store.get_label_totals("t") == await scanned(store)
    assert await store.get_label_totals("other") == {"objects": 0, "categories": {}}
    assert await store.get_label_totals("nope") == {"objects": 0, "categories": {}}


async def test_imported_labels_are_counted_and_a_deleted_task_leaves_nothing(store: Store,
                                                                               clock) -> None:
    ids = data_ids(3)
    seeds = {ids[0]: ItemSeed(status="done", annotations=objects("car", "$x")),
             ids[2]: ItemSeed(status="to_validate", annotations=objects("car"))}
    await store.create_task(TASK, ids, clock(), seeds=seeds)
    assert await store.get_label_totals("t") == {"objects": 3,
                                                 "categories": {"$x": 1, "car": 2}}
    assert await store.get_label_totals("t") == await scanned(store)
    assert await store.delete_task("t") is True
    assert await store.get_label_totals("t") == {"objects": 0, "categories": {}}
    await store.create_task(TASK, ids, clock())  # the name again: counted from zero
    assert await store.get_label_totals("t") == {"objects": 0, "categories": {}}
    await store.save_labels("t", ids[1], objects("bus"), "admin", True, clock())
    assert await store.get_label_totals("t") == {"objects": 1, "categories": {"bus": 1}}


async def test_a_restore_counts_the_labels_it_loads(store: Store) -> None:
    await store.load(batches(entries()))
    # entries(): item d{i} holds i cars
    assert await store.get_label_totals("t1") == {"objects": 15, "categories": {"car": 15}}
    await store.load(batches(entries()))  # loading again replaces: nothing is counted twice
    assert (await store.get_label_totals("t1"))["objects"] == 15
    # the totals are derived: a dump does not carry them
    assert [e for e in await dumped(store) if e["kind"] == "task"] == [
        {"kind": "task", "record": {"name": "t1", "spec_id": "sp1", "dataset_id": "ds1"}}]


async def test_concurrent_saves_of_one_task_give_exact_totals(store: Store, clock) -> None:
    ids = await make_task(store, count=8)
    categories = ["car", "bus", "a.b", ""]

    async def save(n: int) -> None:
        item = ids[n % len(ids)]  # 5 saves race on each item
        await store.save_labels("t", item, objects(*[categories[(n + k) % 4]
                                                     for k in range(n % 5)]),
                                "admin", True, clock())

    await asyncio.gather(*(save(n) for n in range(40)))
    totals = await store.get_label_totals("t")
    assert totals == await scanned(store)
    assert totals["objects"] == sum(
        len(labels["annotations"]) for labels in await store.get_labels_many("t", ids))
    assert totals["objects"] > 0

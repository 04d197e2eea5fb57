"""The event log part of the store contract, run on both engines."""
from __future__ import annotations

import asyncio

from store import Store
from store.repositories.events import NewEvent


def _event(at: float, kind: str = "end", task: str = "t", **data) -> NewEvent:
    return NewEvent(at=at, task_name=task, kind=kind, data=data)


async def test_append_then_read_after_a_cursor_in_order(store: Store) -> None:
    assert await store.last_event_seq() == 0
    assert await store.events_after(0, 10) == []
    first = await store.append_events([_event(1.0, data_ids=["a"]), _event(2.0, "labels")])
    second = await store.append_events([_event(3.0, "claim", task="u", users=["alice"])])
    assert first[0] < first[1] < second[0]
    assert await store.last_event_seq() == second[0]
    events = await store.events_after(0, 10)
    assert [(e["seq"], e["kind"], e["task_name"], e["at"]) for e in events] == [
        (first[0], "end", "t", 1.0), (first[1], "labels", "t", 2.0), (second[0], "claim", "u", 3.0)]
    assert events[0]["data"] == {"data_ids": ["a"]}
    assert events[2]["data"] == {"users": ["alice"]}
    assert [e["seq"] for e in await store.events_after(first[0], 1)] == [first[1]]
    assert await store.events_after(second[0], 10) == []
    assert await store.append_events([]) == []


async def test_concurrent_appends_never_share_a_sequence_number(store: Store) -> None:
    batches = await asyncio.gather(*(store.append_events([_event(float(i)), _event(float(i))])
                                     for i in range(20)))
    seqs = [seq for batch in batches for seq in batch]
    assert len(set(seqs)) == 40
    assert [e["seq"] for e in await store.events_after(0, 100)] == sorted(seqs)


async def test_pruning_keeps_recent_events_and_never_reuses_numbers(store: Store) -> None:
    old = await store.append_events([_event(10.0), _event(20.0)])
    recent = await store.append_events([_event(30.0)])
    assert await store.prune_events(before=25.0) == 2
    assert [e["seq"] for e in await store.events_after(0, 10)] == recent
    assert await store.prune_events(before=100.0) == 1
    assert await store.last_event_seq() == recent[0]  # the log is empty, the cursor is not
    again = await store.append_events([_event(40.0)])
    assert again[0] > recent[0] > old[1]


async def test_label_totals_sum_the_statistics_of_a_task(store: Store) -> None:
    await store.create_task({"name": "t", "spec_id": "s", "dataset_id": "d"}, ["a", "b", "c"], 1.0)
    await store.create_task({"name": "u", "spec_id": "s", "dataset_id": "d"}, ["a"], 1.0)
    assert await store.get_label_totals("t") == {"objects": 0, "categories": {}}
    await store.save_labels("t", "a", [{"category": "car"}, {"category": "bus"}], "admin", True, 2.0)
    await store.save_labels("t", "b", [{"category": "car"}, {"other": 1}], "admin", True, 2.0)
    await store.save_labels("u", "a", [{"category": "tree"}], "admin", True, 2.0)
    assert await store.get_label_totals("t") == {"objects": 4, "categories": {"bus": 1, "car": 2}}
    await store.save_labels("t", "a", [], "admin", True, 3.0)
    assert await store.get_label_totals("t") == {"objects": 2, "categories": {"car": 1}}
    assert await store.get_label_totals("nope") == {"objects": 0, "categories": {}}

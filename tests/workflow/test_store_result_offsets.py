"""Offsets (legacy page numbers) deep in a task spanning several blocks of 256 items, both
engines, against the brute-force reference; and, on SQLite, the per-block status counters that
locate them, kept right by every kind of write (creation, claims and ends, admin batches, delete)
and filled in for a database made before they existed."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import Store
from store.repositories.workflow_listing import ResultFilter, ResultSort
from store.sqlite import SqliteStore
from tests.workflow.helpers import all_results, claim, end, make_task, reference, walk_pages

SIZE = 700  # three blocks: 0-255, 256-511, 512-699

OFFSET_FILTERS = [
    ResultFilter(),
    ResultFilter(statuses=("to_annotate",)),
    ResultFilter(statuses=("to_validate",)),
    ResultFilter(statuses=("done", "to_validate")),
    ResultFilter(statuses=("discard", "to_correct", "to_annotate")),
    ResultFilter(statuses=("to_correct",)),
    ResultFilter(worker="ann1"),  # the slower path, same answers
    ResultFilter(in_progress=False, statuses=("to_annotate",)),
]


async def spread_statuses(store: Store, clock, ids: list[str]) -> None:
    """Statuses scattered unevenly over the blocks: admin batches, plus a few real jobs."""
    await store.reset_items("t", [d for i, d in enumerate(ids) if i % 3 == 1],
                            by_job=False, status="to_validate", now=clock())
    await store.reset_items("t", [d for i, d in enumerate(ids) if i % 7 == 2 or 300 <= i < 380],
                            by_job=False, status="done", now=clock())
    await store.reset_items("t", [d for i, d in enumerate(ids) if i % 50 == 5],
                            by_job=False, status="discard", now=clock())
    for _ in range(3):
        job = await claim(store, "ann1", clock)
        await end(store, job, "ann1", "to_validate", clock)
        job = await claim(store, "val1", clock, "to_validate")
        await end(store, job, "val1", "to_correct", clock)
    await claim(store, "ann2", clock)


@pytest.fixture
async def big(store: Store, clock) -> list[str]:
    ids = await make_task(store, count=SIZE)
    await spread_statuses(store, clock, ids)
    return ids


@pytest.mark.parametrize("sort", list(ResultSort))
async def test_offsets_anywhere_match_the_reference(store: Store, big, sort: ResultSort) -> None:
    states = await all_results(store)
    assert {s["status"] for s in states} == {"to_annotate", "to_validate", "to_correct", "done",
                                            "discard"}
    size = 7
    for filter in OFFSET_FILTERS:
        expected = reference(states, filter, sort)
        edges = {0, 1, 254, 255, 256, 257, 300, 511, 512, 513}
        for base in (len(expected) // 2, len(expected) - 1, len(expected), len(expected) + 5):
            edges |= {base - 1, base}
        for offset in sorted(k for k in edges if k >= 0):
            page = await store.list_results("t", filter, sort, size, offset=offset)
            assert [s["data_id"] for s in page.items] == expected[offset:offset + size], \
                (filter, sort, offset)
            assert page.has_next == (len(expected) > offset + size), (filter, offset)
            assert page.total == len(expected), filter


async def test_every_page_number_in_turn(store: Store, big) -> None:
    """Legacy pages 1, 2, 3 … of 10 cover a status filter exactly once, in data order."""
    states = await all_results(store)
    filter = ResultFilter(statuses=("to_annotate", "to_correct"))
    expected = reference(states, filter, ResultSort.DATA)
    seen, _ = await walk_pages(store, filter, 10)
    assert seen == expected


async def test_the_page_brings_its_data_items(store: Store, clock) -> None:
    ids = ["d000", "d001", "d002", "d003"]
    items = [{"id": d, "dataset_id": "ds-1", "type": "image", "path": f"/data/images/{d}.jpg",
              "children": [], "thumbnail": f"thumb-{d}", "order": n} for n, d in enumerate(ids)]

    async def batches():
        yield items[:3]  # d003 is left out: a page may name an item without data

    await store.create_dataset({"id": "ds-1", "path": "images/", "data_type": "image"}, batches())
    await make_task(store, count=5)
    page = await store.list_results("t", ResultFilter(), ResultSort.DATA, 2, offset=2,
                                    with_data=True)
    assert page.task is not None and page.task["name"] == "t"
    assert {d: (r or {}).get("thumbnail") for d, r in page.data.items()} == {
        "d002": "thumb-d002", "d003": None}
    assert page.data["d002"]["path"] == "/data/images/d002.jpg"
    page = await store.list_results("t", ResultFilter(), ResultSort.DATA, 3)
    assert page.data == {}
    missing = await store.list_results("nope", ResultFilter(), ResultSort.DATA, 3, with_data=True)
    assert missing.task is None and missing.data == {} and missing.items == []


# -- SQLite: the block counters ------------------------------------------------------------------

def blocks(path: Path) -> dict[tuple[str, int, str], int]:
    conn = sqlite3.connect(path)
    out = {}
    for task, block, *counts in conn.execute("SELECT * FROM result_blocks"):
        for status, n in zip(("to_annotate", "to_validate", "to_correct", "done", "discard"),
                             counts):
            if n:
                out[(task, block, status)] = n
    conn.close()
    return out


def brute_force(path: Path) -> dict[tuple[str, int, str], int]:
    conn = sqlite3.connect(path)
    out = {(t, b, s): n for t, b, s, n in conn.execute(
        "SELECT task_name, ord / 256, status, count(*) FROM results GROUP BY 1, 2, 3")}
    conn.close()
    return out


async def test_block_counters_follow_every_write(tmp_path: Path, clock) -> None:
    path = tmp_path / "blocks.sqlite3"
    store = SqliteStore(path)
    await store.open()
    try:
        ids = await make_task(store, count=SIZE)
        await make_task(store, name="other", count=300)
        assert blocks(path) == brute_force(path)
        assert blocks(path)[("t", 2, "to_annotate")] == SIZE - 512
        await spread_statuses(store, clock, ids)
        await store.reset_items("t", ids[:5], by_job=False, status=None, now=clock())  # unassign
        assert blocks(path) == brute_force(path)
        assert any(key[2] == "to_correct" for key in blocks(path))
        assert await store.delete_task("t")
        assert blocks(path) == brute_force(path)
        assert {key[0] for key in blocks(path)} == {"other"}
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT count(*) FROM result_blocks WHERE task_name = 't'"
                            ).fetchone()[0] == 0  # rows of a deleted task go with it
        conn.close()
    finally:
        await store.close()


async def test_a_database_without_block_counters_gets_them_at_open(tmp_path: Path,
                                                                    clock) -> None:
    path = tmp_path / "old.sqlite3"
    store = SqliteStore(path)
    await store.open()
    ids = await make_task(store, count=SIZE)
    await spread_statuses(store, clock, ids)
    await store.close()
    conn = sqlite3.connect(path)
    expected = brute_force(path)
    conn.execute("DROP TABLE result_blocks")  # as made before they existed
    conn.commit()
    conn.close()
    store = SqliteStore(path)
    await store.open()
    try:
        assert blocks(path) == expected
        states = await all_results(store)
        filter = ResultFilter(statuses=("done",))
        page = await store.list_results("t", filter, ResultSort.DATA, 5, offset=100)
        assert [s["data_id"] for s in page.items] == reference(states, filter,
                                                               ResultSort.DATA)[100:105]
    finally:
        await store.close()

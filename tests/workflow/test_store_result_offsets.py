"""Offsets (legacy page numbers) deep in a task, both engines, against the brute-force reference
(each located by a covered walk of the (task, status, ord) index); and, on SQLite, the upgrade
that drops the per-block status counters schema version 2 kept for them."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import Store
from store.migrations import SCHEMA_VERSION
from store.repositories.workflow_listing import ResultFilter, ResultSort
from store.sqlite import SqliteStore
from tests.workflow.helpers import all_results, claim, end, make_task, reference, walk_pages

SIZE = 700  # three of the 256-item blocks version 2 counted: 0-255, 256-511, 512-699

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


# -- SQLite: schema version 2 kept per-block counters; version 3 drops them --------------------

#: The block counters of schema version 2 (a table and the triggers that kept it), abridged.
VERSION_2_BLOCKS = (
    "CREATE TABLE result_blocks (task_name TEXT NOT NULL, block INTEGER NOT NULL,"
    " to_annotate INTEGER NOT NULL DEFAULT 0, to_validate INTEGER NOT NULL DEFAULT 0,"
    " to_correct INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,"
    " discard INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (task_name, block)) WITHOUT ROWID",
    "CREATE TRIGGER result_blocks_insert AFTER INSERT ON results BEGIN"
    " INSERT INTO result_blocks (task_name, block) VALUES (NEW.task_name, NEW.ord / 256)"
    " ON CONFLICT (task_name, block) DO NOTHING; END",
    "CREATE TRIGGER result_blocks_status AFTER UPDATE OF status ON results BEGIN"
    " UPDATE result_blocks SET done = done + 1 WHERE task_name = NEW.task_name; END",
    "CREATE TRIGGER result_blocks_delete AFTER DELETE ON results BEGIN"
    " UPDATE result_blocks SET done = done - 1 WHERE task_name = OLD.task_name; END",
    "CREATE TRIGGER result_blocks_task_delete AFTER DELETE ON tasks BEGIN"
    " DELETE FROM result_blocks WHERE task_name = OLD.name; END",
    "INSERT INTO result_blocks (task_name, block) SELECT DISTINCT task_name, ord / 256"
    " FROM results",
    """UPDATE meta SET value = '{"version": "2"}' WHERE key = 'v'""",
)


def block_objects(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE name LIKE 'result_blocks%' ORDER BY name")]
    conn.close()
    return names


async def test_version_2_block_counters_are_dropped_at_open(tmp_path: Path, clock) -> None:
    path = tmp_path / "v2.sqlite3"
    store = SqliteStore(path)
    await store.open()
    ids = await make_task(store, count=SIZE)
    await spread_statuses(store, clock, ids)
    await store.close()
    conn = sqlite3.connect(path)
    for statement in VERSION_2_BLOCKS:
        conn.execute(statement)
    conn.commit()
    conn.close()
    assert len(block_objects(path)) == 5

    store = SqliteStore(path)
    await store.open()
    try:
        assert block_objects(path) == []
        assert await store.stored_version() == SCHEMA_VERSION
        states = await all_results(store)
        filter = ResultFilter(statuses=("done", "to_annotate"))
        page = await store.list_results("t", filter, ResultSort.DATA, 5, offset=300)
        assert [s["data_id"] for s in page.items] == reference(states, filter,
                                                               ResultSort.DATA)[300:305]
        job = await claim(store, "ann3", clock)  # writes run without the old triggers
        await end(store, job, "ann3", "to_validate", clock)
        assert await store.delete_task("t")
    finally:
        await store.close()

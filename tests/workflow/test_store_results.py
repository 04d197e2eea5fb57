"""Listing, counting and navigating results on a task with mixed statuses, both engines, checked
against a brute-force reference for every combination of filters and sorts."""
from __future__ import annotations

import itertools

import pytest

from store import Store
from store.repositories.workflow_listing import BadCursorError, ResultFilter, ResultSort
from tests.workflow.helpers import (all_results, claim, data_ids, end, make_task, reference,
                                    walk_pages)

FILTERS = [
    ResultFilter(),
    ResultFilter(statuses=("to_validate",)),
    ResultFilter(statuses=("done", "to_validate")),
    ResultFilter(statuses=("to_correct", "discard", "to_annotate")),
    ResultFilter(worker="ann1"),
    ResultFilter(worker="val1"),
    ResultFilter(worker="val1", statuses=("done",)),
    ResultFilter(annotator="ann2"),
    ResultFilter(validator="val1"),
    ResultFilter(annotator="ann1", validator="val1"),
    ResultFilter(annotator="ann1", worker="ann1"),
    ResultFilter(annotator="ann1", worker="val1"),
    ResultFilter(in_progress=True),
    ResultFilter(in_progress=False, statuses=("to_annotate",)),
    ResultFilter(in_progress=True, worker="ann1"),
    ResultFilter(data_id="d007"),
    ResultFilter(data_id="d007", statuses=("done",)),
    ResultFilter(worker="nobody"),
    # The original server's legacy filters: a field contains a value, `;` alternatives.
    ResultFilter(contains=(("annotator", ("ann",)),)),
    ResultFilter(contains=(("annotator", ('"ann1"', "n3")),), statuses=("to_validate", "done")),
    ResultFilter(contains=(("worker", ("val",)),)),
    ResultFilter(contains=(("validator", ("1",)), ("path", ("cat",)))),
    ResultFilter(contains=(("path", ("images/dog_01", "cat_02")),), in_progress=False),
    ResultFilter(contains=(("data_id", ("d00", "d01")), ("in_progress", ("true",)))),
    ResultFilter(contains=(("data_id", ("d007",)),), data_id="d007"),
    ResultFilter(contains=(("current_job_id", ("a", "b")),), worker="ann1"),
    ResultFilter(contains=(("status", ("to_",)),)),  # folds into three statuses: no scan
    ResultFilter(contains=(("status", ("xyz",)),)),  # no status contains it: nothing
    ResultFilter(contains=(("in_progress", ("fal",)), ("status", ('"done"', "valid")))),
    ResultFilter(contains=(("annotator", ('""',)),)),  # no annotator (JSON text "")
]
#: Paths of the mixed task's items (a dataset of them is stored first, so results carry them).
PATHS = [f"/data/images/{'cat' if i % 4 == 0 else 'dog'}_{i:03d}.jpg" for i in range(26)]


async def mixed_task(store: Store, clock) -> list[str]:
    """26 items: done, discard, to_validate, to_correct (queued), held, and untouched ones;
    ann1 also validates some (worker = annotator and validator on the same item)."""
    async def items():
        yield [{"id": data_id, "dataset_id": "ds-1", "type": "image", "path": PATHS[i],
                "children": [], "order": i} for i, data_id in enumerate(data_ids(26))]

    await store.create_dataset({"id": "ds-1", "path": "images/", "data_type": "image"}, items())
    ids = await make_task(store, count=26)
    annotators = ["ann1", "ann2", "ann3"]
    for i in range(16):
        user = annotators[i % 3]
        job = await claim(store, user, clock)
        clock.advance(1)
        await end(store, job, user, "discard" if i == 5 else "to_validate", clock)
    for i in range(10):
        validator = "val1" if i % 2 == 0 else "ann1"
        job = await claim(store, validator, clock, "to_validate")
        verdict = "done" if i % 3 else "to_correct"
        await end(store, job, validator, verdict, clock)
    await claim(store, "ann2", clock)  # holds one (its queued to_correct first)
    await claim(store, "ann3", clock)
    await claim(store, "val1", clock, "to_validate")
    return ids


@pytest.fixture
async def task(store: Store, clock) -> list[str]:
    return await mixed_task(store, clock)


async def walk(store: Store, filter: ResultFilter, sort: ResultSort, size: int) -> list[str]:
    seen: list[str] = []
    after = None
    for _ in range(200):  # a cursor that does not advance fails the test instead of hanging it
        page = await store.list_results("t", filter, sort, size, after=after)
        seen += [s["data_id"] for s in page.items]
        if not page.has_next:
            return seen
        assert page.end_cursor and page.end_cursor != after
        after = page.end_cursor
    raise AssertionError("the listing never ended")


async def test_the_mix_has_every_status(store: Store, task) -> None:
    states = await all_results(store)
    assert {s["status"] for s in states} == {"to_annotate", "to_validate", "to_correct", "done",
                                            "discard"}
    assert any(s["in_progress"] for s in states)
    assert any(s["annotator"] == s["validator"] == "ann1" for s in states)


@pytest.mark.parametrize("sort", list(ResultSort))
async def test_keyset_pages_match_the_reference(store: Store, task, sort: ResultSort) -> None:
    states = await all_results(store)
    for filter in FILTERS:
        expected = reference(states, filter, sort)
        assert await walk(store, filter, sort, 4) == expected, (filter, sort)
        page = await store.list_results("t", filter, sort, 5)
        assert page.total == len(expected), filter
        assert [s["data_id"] for s in page.items] == expected[:5]
        assert page.has_next == (len(expected) > 5)


async def test_offset_pages_and_counts(store: Store, task) -> None:
    states = await all_results(store)
    filter = ResultFilter(statuses=("to_validate", "done"))
    expected = reference(states, filter, ResultSort.DATA)
    pages, page = await walk_pages(store, filter, 3)
    assert pages == expected
    counts = page.counts
    assert sum(counts.values()) == len(states) == 26
    for status, count in counts.items():
        assert count == sum(1 for s in states if s["status"] == status)
    assert page.total == counts["to_validate"] + counts["done"]


async def test_previous_and_next_follow_filter_and_sort(store: Store, task) -> None:
    states = await all_results(store)
    by_id = {s["data_id"]: s for s in states}
    for sort, filter in itertools.product(list(ResultSort), FILTERS[:8] + FILTERS[12:16]):
        expected = reference(states, filter, sort)
        for anchor in states[::3]:
            keyed = reference(states + [], ResultFilter(), sort)
            position = keyed.index(anchor["data_id"])
            after = [d for d in keyed[position + 1:] if d in expected]
            before = [d for d in keyed[:position] if d in expected]
            nxt = await store.adjacent_result(by_id[anchor["data_id"]], filter, sort, True)
            prev = await store.adjacent_result(by_id[anchor["data_id"]], filter, sort, False)
            assert (nxt["data_id"] if nxt else None) == (after[0] if after else None), (sort, filter)
            assert (prev["data_id"] if prev else None) == (before[-1] if before else None)


async def test_unknown_task_lists_nothing(store: Store, task) -> None:
    page = await store.list_results("nope", ResultFilter(), ResultSort.DATA, 10)
    assert (page.items, page.total, page.has_next) == ([], 0, False)


async def test_bad_cursors_are_refused(store: Store, task) -> None:
    page = await store.list_results("t", ResultFilter(), ResultSort.DATA, 2)
    for cursor in ["garbage", "eyJ9", page.end_cursor + "x"]:
        with pytest.raises(BadCursorError):
            await store.list_results("t", ResultFilter(), ResultSort.DATA, 2, after=cursor)
    with pytest.raises(BadCursorError):  # a DATA cursor used for a STATUS listing
        await store.list_results("t", ResultFilter(), ResultSort.STATUS, 2, after=page.end_cursor)


CONTAINS = [f for f in FILTERS if f.contains]


async def test_results_carry_their_relative_path(store: Store, task) -> None:
    states = await all_results(store)
    assert [s["path"] for s in states] == [p[len("/data/"):] for p in PATHS]


@pytest.mark.parametrize("sort", list(ResultSort))
async def test_contains_filters_by_offset_and_neighbours(store: Store, task, sort) -> None:
    """Legacy page numbers (offsets) and previous/next on contains-filters, every sort."""
    states = await all_results(store)
    by_id = {s["data_id"]: s for s in states}
    keyed = reference(states, ResultFilter(), sort)
    for filter in CONTAINS:
        expected = reference(states, filter, sort)
        seen = []
        for number in range(30):
            page = await store.list_results("t", filter, sort, 4, offset=4 * number)
            assert page.total == len(expected), (filter, sort)
            seen += [s["data_id"] for s in page.items]
            if not page.has_next:
                break
        assert seen == expected, (filter, sort)
        for anchor in states[::5]:
            position = keyed.index(anchor["data_id"])
            after = [d for d in keyed[position + 1:] if d in expected]
            before = [d for d in keyed[:position] if d in expected]
            nxt = await store.adjacent_result(by_id[anchor["data_id"]], filter, sort, True)
            prev = await store.adjacent_result(by_id[anchor["data_id"]], filter, sort, False)
            assert (nxt["data_id"] if nxt else None) == (after[0] if after else None), filter
            assert (prev["data_id"] if prev else None) == (before[-1] if before else None), filter


async def test_contains_filters_match_what_the_original_matched(store: Store, task) -> None:
    """Spot checks of the semantics, independent of `ResultFilter.matches`."""
    states = await all_results(store)

    async def ids(*contains, **exact) -> list[str]:
        page = await store.list_results("t", ResultFilter(contains=contains, **exact),
                                        ResultSort.DATA, 100)
        return [s["data_id"] for s in page.items]

    assert await ids(("path", ("cat",))) == [s["data_id"] for s in states[::4]]
    assert await ids(("path", ("dog_001", "cat_004"))) == ["d001", "d004"]
    exactly = await ids(("annotator", ('"ann1"',)))
    assert exactly and exactly == [s["data_id"] for s in states if s["annotator"] == "ann1"]
    assert await ids(("annotator", ("ann",))) == [s["data_id"] for s in states
                                                  if s["annotator"].startswith("ann")]
    assert await ids(("status", ("xyz",))) == []
    assert await ids(("in_progress", ("true",))) == [s["data_id"] for s in states
                                                     if s["in_progress"]]

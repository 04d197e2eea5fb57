"""Every query the MongoDB engine issues for the workflow is answered by a declared index.

A spy records each filter and sort the engine sends while the whole workflow runs (claims by all
four rules, ends, denials, batches, listings with every filter and sort, navigation, labels,
cascade delete). Each recorded query must match a shape of store/mongo/workflow_queries.py, and
each shape must be answered by an index of store/mongo/indexes.py: its equality fields are an
index prefix (or contain a whole unique index), followed by its sort keys.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from mongomock_motor import AsyncMongoMockClient

from store.mongo import MongoStore
from store.mongo.indexes import INDEXES
from store.mongo.workflow_queries import QUERY_SHAPES, QueryShape
from store.repositories.workflow_listing import ResultSort
from store.repositories.workflow_types import JobAction
from tests.workflow.helpers import all_results, claim, end, make_task
from tests.workflow.test_store_results import FILTERS, mixed_task, walk

WORKFLOW_COLLECTIONS = {"tasks", "results", "jobs", "labels"}
FILTERING = ("find", "find_one", "find_one_and_update", "update_one", "update_many",
             "count_documents", "delete_one", "delete_many")


@dataclass
class Issued:
    collection: str
    method: str
    filter: dict[str, Any]
    sort: list[tuple[str, int]] = field(default_factory=list)


class CursorSpy:
    def __init__(self, cursor: Any, issued: Issued) -> None:
        self._cursor, self._issued = cursor, issued

    def sort(self, keys: Any, direction: int | None = None) -> "CursorSpy":
        self._issued.sort = [(keys, direction or 1)] if isinstance(keys, str) else list(keys)
        self._cursor = self._cursor.sort(keys, direction) if direction else self._cursor.sort(keys)
        return self

    def limit(self, n: int) -> "CursorSpy":
        self._cursor = self._cursor.limit(n)
        return self

    def skip(self, n: int) -> "CursorSpy":
        self._cursor = self._cursor.skip(n)
        return self

    async def to_list(self, length: int | None) -> list[Any]:
        return await self._cursor.to_list(length)

    def __aiter__(self) -> Any:
        return self._cursor.__aiter__()


class CollectionSpy:
    def __init__(self, collection: Any, name: str, log: list[Issued]) -> None:
        self._collection, self._name, self._log = collection, name, log

    def __getattr__(self, method: str) -> Any:
        target = getattr(self._collection, method)
        if method not in FILTERING:
            return target

        def call(filter: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            issued = Issued(self._name, method, filter, list(kwargs.get("sort") or []))
            self._log.append(issued)
            result = target(filter, *args, **kwargs)
            return CursorSpy(result, issued) if method == "find" else result

        return call


class DatabaseSpy:
    def __init__(self, db: Any, log: list[Issued]) -> None:
        self._db, self._log = db, log

    def __getitem__(self, name: str) -> CollectionSpy:
        return CollectionSpy(self._db[name], name, self._log)

    def __getattr__(self, name: str) -> Any:
        if name in WORKFLOW_COLLECTIONS or name in {"datasets", "data", "specs", "users"}:
            return self[name]
        return getattr(self._db, name)


class ClientSpy:
    """A client whose databases are spied on: the store's repositories keep the database handle
    they were built with, so the spy is in place from the start."""

    def __init__(self, client: Any, log: list[Issued]) -> None:
        self._client, self._log = client, log

    def __getitem__(self, name: str) -> DatabaseSpy:
        return DatabaseSpy(self._client[name], self._log)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


# -- shapes -------------------------------------------------------------------------------------

def _is_equality(value: Any) -> bool:
    if not isinstance(value, dict):
        return True
    return set(value) <= {"$eq", "$in", "$gt"} and ("$eq" in value or "$in" in value)


def shape_of(query: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(equality fields, other filtered fields) of a filter."""
    equality, other = set(), set()
    for key, value in query.items():
        if key == "$or":
            other |= {k for clause in value for k in clause}
        elif key == "$and":  # several `$or` (contains-filter scans)
            for clause in value:
                other |= shape_of(clause)[0] | shape_of(clause)[1]
        elif _is_equality(value):
            equality.add(key)
        else:
            other.add(key)
    return equality, other


def matching_shapes(issued: Issued) -> list[QueryShape]:
    equality, other = shape_of(issued.filter)
    sort = tuple(key for key, _ in issued.sort)
    return [s for s in QUERY_SHAPES
            if s.collection == issued.collection and s.sort == sort
            and equality - s.residual == s.equality
            and other <= s.residual | set(s.sort)]


def covering_indexes(shape: QueryShape) -> list[tuple[list[str], dict[str, Any]]]:
    found = []
    for keys, options in INDEXES.get(shape.collection, []):
        names = [k for k, _ in keys]
        n = len(shape.equality)
        whole_unique = options.get("unique") and set(names) <= shape.equality
        prefix = set(names[:n]) == shape.equality and len(names) >= n
        if not (prefix or whole_unique):
            continue
        if shape.sort and not shape.sort_in_memory and not whole_unique:
            if tuple(names[n:n + len(shape.sort)]) != shape.sort:
                continue
        found.append((names, options))
    return found


def test_every_declared_shape_is_answered_by_an_index() -> None:
    for shape in QUERY_SHAPES:
        assert covering_indexes(shape), f"no index answers {shape.name}"
        assert not shape.sort_in_memory or shape.why, f"{shape.name}: say why the sort is small"


def test_an_index_on_the_empty_shape_is_the_tasks_name_index() -> None:
    shape = next(s for s in QUERY_SHAPES if s.name == "tasks_in_order")
    assert [names for names, _ in covering_indexes(shape)] == [["name"]]


# -- the recorded run ---------------------------------------------------------------------------

async def run_everything(store: MongoStore, clock: Any) -> None:
    ids = await mixed_task(store, clock)
    for sort, filter in itertools.product(list(ResultSort), FILTERS):
        await walk(store, filter, sort, 4)
        await store.list_results("t", filter, sort, 3, offset=3)
    states = await all_results(store)
    for sort, filter in itertools.product(list(ResultSort), FILTERS):
        for forward in (True, False):
            await store.adjacent_result(states[7], filter, sort, forward)
    # Rule 4 (steal a queued item), denials of every kind, unknown jobs.
    await make_task(store, "small", count=1)
    job = await claim(store, "a", clock, task="small")
    await end(store, job, "a", "to_validate", clock)
    review = await claim(store, "v", clock, "to_validate", task="small")
    await end(store, review, "v", "to_correct", clock)
    stolen = await claim(store, "b", clock, task="small")
    for who in ("a", "b"):
        for action in JobAction:
            status = "done" if action is JobAction.END else None
            await store.update_job("small", stolen["id"], who, action, clock(), status=status)
    await store.update_job("small", job["id"], "a", JobAction.HEARTBEAT, clock())
    await store.update_job("small", "nope", "a", JobAction.HEARTBEAT, clock())
    await store.get_job("small", job["id"])
    await store.get_job("small", stolen["id"])
    await store.get_jobs("small", [job["id"], stolen["id"], "nope"])
    await store.get_jobs("t", [s["current_job_id"] for s in states] + states[0]["finished_job_ids"])
    await store.get_results("t", ids[:5] + ["nope"])
    await store.get_assignments(["ann1", "ann2", "val1", "a", "b"])
    await store.save_labels("t", ids[0], [{"category": "car"}], "ann2", False, clock())
    await store.save_labels("t", ids[0], [{"category": "car"}], "root", True, clock())
    await store.get_labels("t", ids[0])
    await store.get_labels_many("t", ids[:5])
    await store.get_label_statistics("t", ids[0])
    await store.reset_items("t", ids[:3], by_job=False, status="to_validate", now=clock())
    await store.reset_items("t", [states[5]["current_job_id"] or "x"], by_job=True, status=None,
                            now=clock())
    await store.get_status_counts(["t", "small"])
    await store.set_task_spec("t", "spec-2")
    await store.list_tasks()
    await store.count_tasks_using(dataset_id="ds-1")
    await store.count_tasks_using(spec_id="spec-2")
    await store.delete_task("t")


@pytest.fixture
async def recorded(clock) -> list[Issued]:
    log: list[Issued] = []
    store = MongoStore(ClientSpy(AsyncMongoMockClient(), log), "shapes")
    await store.open()
    log.clear()  # what opening issues (indexes, counter repair) is not the workflow's
    await run_everything(store, clock)
    await store.close()
    return [i for i in log if i.collection in WORKFLOW_COLLECTIONS and "_id" not in i.filter]


async def test_every_issued_query_matches_a_declared_shape(recorded: list[Issued]) -> None:
    assert len(recorded) > 500
    unmatched = {(i.collection, i.method, tuple(sorted(i.filter)), tuple(i.sort))
                 for i in recorded if not matching_shapes(i)}
    assert not unmatched, f"queries without a declared shape: {sorted(unmatched)}"


async def test_every_declared_shape_is_used(recorded: list[Issued]) -> None:
    used = {s.name for i in recorded for s in matching_shapes(i)}
    assert {s.name for s in QUERY_SHAPES} - used == set()


async def test_queries_on_partial_indexes_say_they_want_a_set_field(recorded: list[Issued]) -> None:
    """A partial index (field set, i.e. > '') is only used if the query implies its filter."""
    for issued in recorded:
        for shape in matching_shapes(issued):
            covering = covering_indexes(shape)
            if not covering or any("partialFilterExpression" not in o for _, o in covering):
                continue
            for _, options in covering:
                for name in options["partialFilterExpression"]:
                    value = issued.filter.get(name)
                    assert isinstance(value, dict) and value.get("$gt") == "" or (
                        isinstance(value, str) and value), (shape.name, issued.filter)

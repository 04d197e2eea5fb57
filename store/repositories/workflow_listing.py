"""Listing and navigating results, planned once for both engines.

A listing (filter + sort + keyset cursor) is answered as the union of a few **branches**, each one
index seek: one branch per status asked (all five when no status filter), times two when filtering
by worker (annotator = W, validator = W). Within a branch every equality is an index prefix and the
order is the index's next columns, so each branch reads only the rows it returns (`LIMIT`). The
branches, each already in order, are merged by the sort key (a k-way merge of at most ten short
lists) and de-duplicated (an item annotated *and* validated by W is in both worker branches).

Indexes this needs (both engines declare them): (task, status, ord), (task, status, annotator, ord),
(task, status, validator, ord), (task, status, ord) over held items for `inProgress: true`, and
(task, ord) for the unfiltered listing in data order (one branch).

**Offsets** (legacy page numbers) with at most a status filter, in DATA or STATUS order, do not
walk the skipped rows: the listing first *locates* the ord of the k-th match (`LocateRequest`: one
covered walk of the (task, status, ord) index, skipping k entries without reading a row, on both
engines), then reads the page as a keyset seek from there. Unfiltered DATA order needs no locating at all:
ord is dense (0..n-1, given at creation), so offset k is `ord >= k`. Other filters (worker,
annotator, validator, inProgress) and the ASSIGNED sort skip by reading the skipped rows (slower
deep in a big task; keyset cursors stay fast there).

**Contains filters** (the original server's legacy filters: a field *contains* a value, with
`;` alternatives) on `status` and `in_progress` fold into the exact conditions above. On text
fields (annotator, validator, data id, path, current job id) no index helps: the listing is one
**scan** of the task's rows (`ScanQuery`), narrowed by the exact conditions, the contains test
evaluated inside the engine (SQLite `instr` on the row, MongoDB `$regex`); bench/workflow.py
`--filters` measures it at 50,000 items.

The listing is written once as a generator of store requests (`listing`), which each engine
drives: SQLite answers every request on its database thread in one call, MongoDB one by one.
"""
from __future__ import annotations

import base64
import binascii
import heapq
import json
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from store.records import LABELLING_STATUSES, DataRecord, TaskRecord
from store.repositories.workflow_types import STATUS_RANK, ResultState


class ResultSort(str, Enum):
    DATA = "data"  # data order
    STATUS = "status"  # workflow order of the status, then data order
    ASSIGNED = "assigned"  # annotator name, then data order


class BadCursorError(ValueError):
    """An `after` cursor this server did not produce (or produced for another sort)."""


#: Fields a legacy *contains* filter may name (`worker`: the annotator or the validator).
CONTAINS_FIELDS = ("status", "in_progress", "annotator", "validator", "worker", "data_id", "path",
                   "current_job_id")
#: Of those, the ones compared as text: a filter on them reads the task's rows (a scan).
TEXT_FIELDS = ("annotator", "validator", "worker", "data_id", "path", "current_job_id")


def legacy_text(value: Any) -> str:
    """A value as the original server compared it: `JSON.stringify(value)` (strings quoted, so
    `"alice"` with its quotes matches alice exactly; lists as compact JSON)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class ResultFilter:
    """Which results to list. Empty `statuses` = any status; `worker` = annotator or validator.

    `contains` holds the legacy filters of the original server: (field, alternatives) pairs, each
    kept when the field's `legacy_text` contains one of the alternatives. On `status` and
    `in_progress` they fold into the exact (indexed) conditions (`fold_contains`); on the text
    fields they are evaluated on the task's rows (`TEXT_FIELDS`)."""

    statuses: tuple[str, ...] = ()
    worker: str | None = None
    annotator: str | None = None
    validator: str | None = None
    in_progress: bool | None = None
    data_id: str | None = None
    contains: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        for name, alternatives in self.contains:
            if name not in CONTAINS_FIELDS:
                raise ValueError(f"no contains filter on {name!r}")
            if not alternatives:
                raise ValueError(f"the contains filter on {name!r} has no value")

    def matches(self, state: ResultState) -> bool:
        """The same filter evaluated on one result (for point lookups by data id)."""
        if self.statuses and state["status"] not in self.statuses:
            return False
        for name, alternatives in self.contains:
            if not any(contains_match(name, state, q) for q in alternatives):
                return False
        if self.worker is not None and self.worker not in (state["annotator"], state["validator"]):
            return False
        if self.annotator is not None and state["annotator"] != self.annotator:
            return False
        if self.validator is not None and state["validator"] != self.validator:
            return False
        if self.in_progress is not None and state["in_progress"] != self.in_progress:
            return False
        return self.data_id is None or state["data_id"] == self.data_id

    @property
    def only_statuses(self) -> bool:
        """True when the filter is at most a status set: counts come from the stored counters."""
        return (self.worker is None and self.annotator is None and self.validator is None
                and self.in_progress is None and self.data_id is None and not self.contains)


def contains_match(name: str, state: ResultState, q: str) -> bool:
    """Whether the legacy text of field `name` of `state` contains `q`."""
    if name == "worker":
        return q in legacy_text(state["annotator"]) or q in legacy_text(state["validator"])
    fields: Mapping[str, Any] = state  # `name` is one of CONTAINS_FIELDS: a key of the state
    value = fields.get("path", "") if name == "path" else fields[name]
    return q in legacy_text(value)


def fold_contains(filter: ResultFilter) -> ResultFilter | None:
    """The same filter with its `status` and `in_progress` contains-filters turned into exact
    conditions (the values they can match are few: 5 statuses, 2 booleans), so that only text
    fields are left to scan; None when the filter can match nothing."""
    statuses = set(filter.statuses) if filter.statuses else set(LABELLING_STATUSES)
    in_progress = {filter.in_progress} if filter.in_progress is not None else {True, False}
    rest = []
    for name, alternatives in filter.contains:
        if name == "status":
            statuses &= {s for s in LABELLING_STATUSES
                         if any(q in legacy_text(s) for q in alternatives)}
        elif name == "in_progress":
            in_progress &= {b for b in (True, False)
                            if any(q in legacy_text(b) for q in alternatives)}
        else:
            rest.append((name, alternatives))
    if not statuses or not in_progress:
        return None
    return replace(
        filter, contains=tuple(rest),
        statuses=() if len(statuses) == len(LABELLING_STATUSES) else
        tuple(s for s in LABELLING_STATUSES if s in statuses),
        in_progress=next(iter(in_progress)) if len(in_progress) == 1 else None)


@dataclass(frozen=True)
class ScanQuery:
    """A listing with text contains-filters: the task's rows matching `filter` (exact conditions
    through the indexes, then the contains conditions on each row), in `sort` order after
    `after`, `offset` skipped, at most `limit`; with `count`, also how many match in all."""

    task_name: str
    filter: ResultFilter
    sort: "ResultSort"
    after: tuple[Any, ...] | None
    descending: bool
    offset: int
    limit: int
    count: bool = True


@dataclass(frozen=True)
class BranchQuery:
    """One index seek: equalities (task_name, status, maybe a person), an optional held/not-held
    residual, rows strictly after `after` on the `order` columns (in the query's direction),
    sorted by `order`, at most `limit` rows."""

    equal: dict[str, str]
    held: bool | None
    order: tuple[str, ...]
    after: tuple[Any, ...] | None
    descending: bool
    limit: int


@dataclass(frozen=True)
class CountQuery:
    """One term of a matching count: `sign` × count(rows with these equalities/held residual)."""

    equal: dict[str, str]
    held: bool | None
    sign: int = 1


@dataclass
class ResultPage:
    items: list[ResultState]
    total: int  # matching the filter
    has_next: bool
    end_cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)  # per status, whole task
    task: TaskRecord | None = None  # the task listed (None: no such task, the page is empty)
    data: dict[str, DataRecord | None] = field(default_factory=dict)  # items' data (with_data)


def sort_key(sort: ResultSort, state: ResultState) -> tuple[Any, ...]:
    if sort is ResultSort.STATUS:
        return (STATUS_RANK[state["status"]], state["order"])
    if sort is ResultSort.ASSIGNED:
        return (state["annotator"], state["order"])
    return (state["order"],)


def encode_cursor(sort: ResultSort, key: tuple[Any, ...]) -> str:
    raw = json.dumps({"s": sort.value, "k": list(key)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(sort: ResultSort, cursor: str) -> tuple[Any, ...]:
    """The sort key a cursor points at; BadCursorError when it is not one of ours for `sort`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        key = tuple(data["k"])
        valid = data["s"] == sort.value and _key_is_valid(sort, key)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursorError("the cursor is not valid: pass a cursor returned by this "
                             "listing (with the same sort)") from exc
    if not valid:
        raise BadCursorError("the cursor was made for another sort: restart the listing "
                             "without a cursor, or keep the sort of the cursor")
    return key


def _key_is_valid(sort: ResultSort, key: tuple[Any, ...]) -> bool:
    def is_int(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    if sort is ResultSort.DATA:
        return len(key) == 1 and is_int(key[0])
    if sort is ResultSort.STATUS:
        return len(key) == 2 and is_int(key[0]) and is_int(key[1])
    return len(key) == 2 and isinstance(key[0], str) and is_int(key[1])


def _statuses(filter: ResultFilter) -> list[str]:
    wanted = set(filter.statuses) if filter.statuses else set(LABELLING_STATUSES)
    return [s for s in LABELLING_STATUSES if s in wanted]


def _person_alternatives(filter: ResultFilter) -> list[dict[str, str]]:
    """The person equalities of each branch (an empty list: the filter can match nothing)."""
    base: dict[str, str] = {}
    if filter.annotator is not None:
        base["annotator"] = filter.annotator
    if filter.validator is not None:
        base["validator"] = filter.validator
    if filter.worker is None or filter.worker in base.values():
        return [base]  # no worker filter, or it is already implied by annotator/validator
    return [{**base, column: filter.worker} for column in ("annotator", "validator")
            if column not in base]  # annotator = A cannot also be W≠A: drop that alternative


def plan_branches(task_name: str, filter: ResultFilter, sort: ResultSort,
                  after: tuple[Any, ...] | None, limit: int,
                  descending: bool = False) -> list[BranchQuery]:
    """The index seeks whose merge gives the first `limit` results after `after`."""
    if sort is ResultSort.DATA and filter == ResultFilter():
        # No filter in data order (the default view, legacy page numbers): one seek on
        # (task, ord) rather than five merged ones.
        return [BranchQuery(equal={"task_name": task_name}, held=None, order=("ord",),
                            after=after, descending=descending, limit=limit)]
    branches = []
    for status in _statuses(filter):
        for person in _person_alternatives(filter):
            equal = {"task_name": task_name, "status": status, **person}
            branch = _branch(equal, filter.in_progress, sort, after, limit, descending)
            if branch is not None:
                branches.append(branch)
    return branches


def _branch(equal: dict[str, str], held: bool | None, sort: ResultSort,
            after: tuple[Any, ...] | None, limit: int, descending: bool) -> BranchQuery | None:
    """Translate the global keyset bound into this branch's columns (None: branch is empty)."""

    def before_bound(fixed: Any, bound: Any) -> bool:
        return fixed < bound if not descending else fixed > bound

    if sort is ResultSort.STATUS:
        order: tuple[str, ...] = ("ord",)
        if after is not None:
            rank = STATUS_RANK[equal["status"]]
            if before_bound(rank, after[0]):
                return None
            after = (after[1],) if rank == after[0] else None
    elif sort is ResultSort.ASSIGNED and "annotator" not in equal:
        order = ("annotator", "ord")
    elif sort is ResultSort.ASSIGNED:
        order = ("ord",)
        if after is not None:
            if before_bound(equal["annotator"], after[0]):
                return None
            after = (after[1],) if equal["annotator"] == after[0] else None
    else:
        order = ("ord",)
    return BranchQuery(equal=equal, held=held, order=order, after=after,
                       descending=descending, limit=limit)


def plan_counts(task_name: str, filter: ResultFilter) -> list[CountQuery]:
    """Terms whose signed sum is the number of matching results (inclusion-exclusion for the
    worker filter, whose two branches overlap on items W both annotated and validated)."""
    terms = []
    people = _person_alternatives(filter)
    for status in _statuses(filter):
        base = {"task_name": task_name, "status": status}
        for person in people:
            terms.append(CountQuery({**base, **person}, filter.in_progress))
        if len(people) == 2:
            both = {**people[0], **people[1]}
            terms.append(CountQuery({**base, **both}, filter.in_progress, sign=-1))
    return terms


def merge_branches(sort: ResultSort, branches: Iterable[Sequence[ResultState]],
                   descending: bool = False) -> list[ResultState]:
    """The branches' rows in global sort order, each item once."""
    merged = heapq.merge(*branches, key=lambda s: sort_key(sort, s), reverse=descending)
    seen: set[str] = set()
    out = []
    for state in merged:
        if state["data_id"] not in seen:
            seen.add(state["data_id"])
            out.append(state)
    return out


def cut_page(sort: ResultSort, merged: list[ResultState], offset: int, first: int,
             total: int, counts: dict[str, int], backward: bool = False) -> ResultPage:
    """The page out of `merged` (rows in the listing's direction); a backward page is read
    toward the start and returned in sort order, `has_next` then meaning "rows precede it"."""
    items = merged[offset:offset + first]
    if backward:
        items.reverse()
    end = encode_cursor(sort, sort_key(sort, items[-1])) if items else None
    return ResultPage(items=items, total=total, has_next=len(merged) > offset + first,
                      end_cursor=end, counts=counts)


# -- the requests a listing makes of its engine, and what the engine answers ---------------------

@dataclass(frozen=True)
class TaskRequest:
    """The listed task and its status counters: (TaskRecord | None, StatusCounts | None)."""


@dataclass(frozen=True)
class SeekRequest:
    """Index seeks: the rows of each branch, in its order (list[list[ResultState]])."""

    branches: list[BranchQuery]


@dataclass(frozen=True)
class CountRequest:
    """The signed sum of the terms' counts (int)."""

    terms: list[CountQuery]


@dataclass(frozen=True)
class ResultRequest:
    """One result by data id (ResultState | None)."""

    data_id: str


@dataclass(frozen=True)
class LocateRequest:
    """The ord of the k-th (0-based) result in data order among `statuses` (int | None)."""

    statuses: list[str]
    k: int


@dataclass(frozen=True)
class ScanRequest:
    """A contains-filter scan: (number matching, the page's rows)."""

    query: ScanQuery


@dataclass(frozen=True)
class DataRequest:
    """The page's data items: {data_id: DataRecord | None}."""

    dataset_id: str
    ids: list[str]


Request = (TaskRequest | SeekRequest | CountRequest | ResultRequest | LocateRequest | ScanRequest
           | DataRequest)
#: The listing as a generator: it yields requests, is sent their answers, returns the page.
Listing = Generator[Request, Any, ResultPage]


def listing(task_name: str, filter: ResultFilter, sort: ResultSort, first: int,
            after: str | None, offset: int, with_data: bool, backward: bool = False) -> Listing:
    """`list_results`, as the requests it makes (see `Request`); returns the page. `backward`
    reads toward the start: the `first` rows just before the cursor `after` (or the last ones),
    by the same index seeks in the other direction."""
    if backward and offset:
        raise ValueError("an offset only pages forward")
    task, found = yield TaskRequest()
    if task is None:
        return ResultPage(items=[], total=0, has_next=False, end_cursor=None,
                          counts={s: 0 for s in LABELLING_STATUSES})
    key = decode_cursor(sort, after) if after else None
    counts = {s: int(found[s]) if found else 0 for s in LABELLING_STATUSES}
    folded = fold_contains(filter)
    if folded is None:  # a contains-filter no status (or in-progress state) can satisfy
        page = ResultPage(items=[], total=0, has_next=False, end_cursor=None, counts=counts)
    elif folded.data_id is not None:
        filter = folded
        state = yield ResultRequest(folded.data_id)
        matching = [state] if state is not None and filter.matches(state) else []
        merged = [s for s in matching if key is None
                  or (sort_key(sort, s) < key if backward else sort_key(sort, s) > key)]
        page = cut_page(sort, merged, offset, first, len(matching), counts, backward)
    elif folded.contains:
        total, rows = yield ScanRequest(ScanQuery(task_name, folded, sort, key, backward, offset,
                                                   first + 1))
        page = cut_page(sort, rows, 0, first, total, counts, backward)
    else:
        filter = folded
        if filter.only_statuses:
            total = sum(counts[s] for s in _statuses(filter))
        else:
            total = yield CountRequest(plan_counts(task_name, filter))
        past_end = False
        if key is None and offset > 0 and filter.only_statuses and sort is not ResultSort.ASSIGNED:
            key = yield from _locate_offset(filter, sort, offset, counts)
            past_end, offset = key is None, 0
        branches = [] if past_end else plan_branches(task_name, filter, sort, key,
                                                     offset + first + 1, descending=backward)
        merged = (merge_branches(sort, (yield SeekRequest(branches)), descending=backward)
                  if branches else [])
        page = cut_page(sort, merged, offset, first, total, counts, backward)
    page.task = task
    if with_data and page.items:
        page.data = yield DataRequest(task["dataset_id"], [s["data_id"] for s in page.items])
    return page


def _locate_offset(filter: ResultFilter, sort: ResultSort, offset: int,
                   counts: dict[str, int]) -> Generator[Request, Any, tuple[Any, ...] | None]:
    """The keyset bound just before the `offset`-th match (None: past the end), found without
    reading the skipped rows."""
    statuses = _statuses(filter)
    if sort is ResultSort.DATA:
        if filter == ResultFilter():  # ord is dense (0..n-1): the offset is the ord
            return (offset - 1,) if offset < sum(counts.values()) else None
        if offset >= sum(counts[s] for s in statuses):  # past the end: the counters say so
            return None
        found = yield LocateRequest(statuses, offset)
        return None if found is None else (found - 1,)
    for status in sorted(statuses, key=STATUS_RANK.__getitem__):  # STATUS order
        if offset < counts[status]:
            found = yield LocateRequest([status], offset)
            return None if found is None else (STATUS_RANK[status], found - 1)
        offset -= counts[status]
    return None


def run_listing(steps: Listing, answer: Callable[[Request], Any]) -> ResultPage:
    """Drive a listing, answering each request at once (SQLite: all on its database thread)."""
    reply: Any = None
    while True:
        try:
            request = steps.send(reply)
        except StopIteration as done:
            return done.value
        reply = answer(request)


async def run_listing_async(steps: Listing,
                            answer: Callable[[Request], Awaitable[Any]]) -> ResultPage:
    """Drive a listing, awaiting each answer in turn (MongoDB: one round trip per request)."""
    reply: Any = None
    while True:
        try:
            request = steps.send(reply)
        except StopIteration as done:
            return done.value
        reply = await answer(request)


class ResultListing(ABC):
    """`adjacent_result` for any engine that can run branch seeks, contains-filter scans and
    point reads (each engine's results repository derives from it); `list_results` is the
    engine's own, driving `listing` with `run_listing` or `run_listing_async`."""

    @abstractmethod
    async def get_result(self, task_name: str, data_id: str) -> ResultState | None:
        """The item's result, or None (see `ResultRepository.get_result`)."""

    @abstractmethod
    async def _seek(self, branches: list[BranchQuery]) -> list[list[ResultState]]:
        """The rows of each branch, in its order."""

    @abstractmethod
    async def _scan(self, query: ScanQuery) -> tuple[int, list[ResultState]]:
        """A contains-filter scan: (number matching, or the rows' number without `count`; the
        rows)."""

    async def adjacent_result(self, anchor: ResultState, filter: ResultFilter, sort: ResultSort,
                              forward: bool) -> ResultState | None:
        key = sort_key(sort, anchor)
        folded = fold_contains(filter)
        if folded is None:
            return None
        filter = folded
        if filter.contains and filter.data_id is None:
            _, rows = await self._scan(ScanQuery(anchor["task_name"], filter, sort, key,
                                                 not forward, 0, 1, count=False))
            return rows[0] if rows else None
        if filter.data_id is not None:
            found = await self._by_data_id(anchor["task_name"], filter, sort, key, not forward)
            return found[0] if found else None
        branches = plan_branches(anchor["task_name"], filter, sort, key, 1, descending=not forward)
        if not branches:
            return None
        merged = merge_branches(sort, await self._seek(branches), descending=not forward)
        return merged[0] if merged else None

    async def _by_data_id(self, task_name: str, filter: ResultFilter, sort: ResultSort,
                          key: tuple[Any, ...] | None, descending: bool) -> list[ResultState]:
        """A data id filter names one item: a point lookup, checked against the rest."""
        assert filter.data_id is not None
        state = await self.get_result(task_name, filter.data_id)
        if state is None or not filter.matches(state):
            return []
        if key is not None:
            own = sort_key(sort, state)
            if not (own < key if descending else own > key):
                return []
        return [state]

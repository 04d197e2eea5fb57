"""Results on the MongoDB engine: point reads and the branch seeks listings are made of."""
from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any, assert_never

from store.mongo.workflow_docs import result_fields, to_state
from store.mongo.workflow_tasks import TASK_FIELDS
from store.repositories.datasets import DatasetRepository
from store.repositories.workflow import ResultRepository
from store.repositories.workflow_listing import (
    BranchQuery,
    CountQuery,
    CountRequest,
    DataRequest,
    LocateRequest,
    Request,
    ResultFilter,
    ResultListing,
    ResultPage,
    ResultRequest,
    ResultSort,
    ScanQuery,
    ScanRequest,
    SeekRequest,
    TaskRequest,
    listing,
    run_listing_async,
)
from store.repositories.workflow_types import (
    ANNOTATED_STATUSES,
    STATUS_RANK,
    VALIDATED_STATUSES,
    ResultState,
    WorkerStatistics,
    with_total,
)


def _filter(equal: dict[str, str], held: bool | None) -> dict[str, Any]:
    query: dict[str, Any] = dict(equal)
    if held is True:
        query["holder"] = {"$gt": ""}
    elif held is False:
        query["holder"] = ""
    return query


def branch_query(branch: BranchQuery) -> tuple[dict[str, Any], list[tuple[str, int]]]:
    """Filter and sort of one branch: equalities + keyset bound, ordered by an index's next keys."""
    query = _filter(branch.equal, branch.held)
    op = "$lt" if branch.descending else "$gt"
    if branch.after is not None:
        if len(branch.order) == 1:
            query[branch.order[0]] = {op: branch.after[0]}
        else:
            (first, second), (a, b) = branch.order, branch.after
            query["$or"] = [{first: {op: a}}, {first: a, second: {op: b}}]
    direction = -1 if branch.descending else 1
    return query, [(column, direction) for column in branch.order]


def contains_pattern(alternatives: tuple[str, ...]) -> str:
    """A regex on a string field matching when its JSON text (`legacy_text`: the value in
    quotes) contains one of the alternatives: a leading `"` anchors at the start, a trailing one
    at the end (`"alice"` is alice exactly, as on the original server)."""
    patterns = []
    for q in alternatives:
        head = q.startswith('"')
        body = q[1:] if head else q
        tail = body.endswith('"')
        body = body[:-1] if tail else body
        patterns.append(("^" if head else "") + re.escape(body) + ("$" if tail else ""))
    return "|".join(patterns)


#: Which document fields each contains-filter field tests (`worker`: either person).
CONTAINS_DOC_FIELDS = {"annotator": ("annotator",), "validator": ("validator",),
                       "worker": ("annotator", "validator"), "data_id": ("data_id",),
                       "current_job_id": ("current_job_id",), "path": ("path",)}


def scan_filter(query: ScanQuery) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(conditions on fields, alternatives that each need an `$or`) of a contains-filter listing,
    the exact conditions first (the task, statuses, people, held), then one regex per field."""
    f = query.filter
    conditions: dict[str, Any] = {"task_name": query.task_name}
    either: list[dict[str, Any]] = []
    if f.statuses:
        conditions["status"] = {"$in": list(f.statuses)}
    for column in ("annotator", "validator"):
        if getattr(f, column) is not None:
            conditions[column] = getattr(f, column)
    if f.worker is not None:
        either.append({"$or": [{"annotator": f.worker}, {"validator": f.worker}]})
    if f.in_progress is not None:
        conditions["holder"] = {"$gt": ""} if f.in_progress else ""
    for name, alternatives in f.contains:
        regex = {"$regex": contains_pattern(alternatives)}
        fields = CONTAINS_DOC_FIELDS[name]
        if len(fields) == 1 and fields[0] not in conditions:
            conditions[fields[0]] = regex
        else:
            either.append({"$or": [{field: regex} for field in fields]})
    return conditions, either


def _combine(conditions: dict[str, Any], either: list[dict[str, Any]]) -> dict[str, Any]:
    if not either:
        return dict(conditions)
    if len(either) == 1:
        return {**conditions, **either[0]}
    return {**conditions, "$and": either}


class MongoResults(ResultListing, ResultRepository):
    def __init__(self, db: Any, datasets: DatasetRepository) -> None:
        """`db`: a Motor database; `datasets` reads the data items of a page (`with_data`)."""
        self._db = db
        self._datasets = datasets

    async def list_results(self, task_name: str, filter: ResultFilter, sort: ResultSort,
                           first: int, after: str | None = None, offset: int = 0,
                           with_data: bool = False, backward: bool = False) -> ResultPage:
        steps = listing(task_name, filter, sort, first, after, offset, with_data, backward)
        return await run_listing_async(steps, lambda request: self._answer(task_name, request))

    async def get_worker_statistics(self, task_name: str | None = None,
                                    username: str | None = None) -> list[WorkerStatistics]:
        # A $group per source, run in the database side by side; their few rows (one per
        # worker) are added up here.
        scope = {} if task_name is None else {"task_name": task_name}

        def group(collection: str, field: str, total: str, value: Any,
                  **match: Any) -> Any:
            who = username if username is not None else {"$ne": ""}
            return self._db[collection].aggregate([
                {"$match": {**scope, field: who, **match}},
                {"$group": {"_id": f"${field}", total: {"$sum": value}}}]).to_list(None)

        sources = await asyncio.gather(
            group("results", "annotator", "annotated", 1,
                  status={"$in": list(ANNOTATED_STATUSES)}),
            group("results", "validator", "validated", 1,
                  status={"$in": list(VALIDATED_STATUSES)}),
            group("results", "holder", "time_spent", "$job_duration"),
            group("jobs", "assigned_to", "time_spent", "$duration"))
        workers: dict[str, dict[str, float]] = {}
        for rows in sources:
            for row in rows:
                if isinstance(row["_id"], str) and row["_id"]:
                    sums = workers.setdefault(row["_id"], {})
                    for key, value in row.items():
                        if key != "_id":
                            sums[key] = sums.get(key, 0) + (value or 0)
        return [WorkerStatistics(username=name, annotated=int(sums.get("annotated", 0)),
                                 validated=int(sums.get("validated", 0)),
                                 time_spent=float(sums.get("time_spent", 0.0)))
                for name, sums in sorted(workers.items()) if any(sums.values())]

    async def get_result(self, task_name: str, data_id: str) -> ResultState | None:
        doc = await self._db.results.find_one({"task_name": task_name, "data_id": data_id},
                                              result_fields())
        return to_state(doc) if doc else None

    async def get_results(self, task_name: str,
                          data_ids: Sequence[str]) -> list[ResultState | None]:
        if not data_ids:
            return []
        found = {doc["data_id"]: to_state(doc) async for doc in self._db.results.find(
            {"task_name": task_name, "data_id": {"$in": list(set(data_ids))}}, result_fields())}
        return [found.get(data_id) for data_id in data_ids]

    async def _answer(self, task_name: str, request: Request) -> Any:
        """One request of a listing (one round trip, the seeks of a SeekRequest at once)."""
        match request:
            case TaskRequest():  # the counters live on the task document: one read for both
                doc = await self._db.tasks.find_one({"name": task_name, "ready": True},
                                                    {**TASK_FIELDS, "counts": 1})
                if doc is None:
                    return None, None
                counts = with_total(doc.pop("counts"))
                return doc, counts
            case SeekRequest(branches):
                return await self._seek(branches)
            case CountRequest(terms):
                return await self._count(terms)
            case ResultRequest(data_id):
                return await self.get_result(task_name, data_id)
            case LocateRequest(statuses, k):
                return await self._locate(task_name, statuses, k)
            case ScanRequest(query):
                return await self._scan(query)
            case DataRequest(dataset_id, ids):
                records = await self._datasets.get_data_items(dataset_id, ids)
                return dict(zip(ids, records, strict=True))
        assert_never(request)

    async def _seek(self, branches: list[BranchQuery]) -> list[list[ResultState]]:
        """The branches are sent at once (each its own index seek), not one after the other."""
        async def one(branch: BranchQuery) -> list[ResultState]:
            query, sort = branch_query(branch)
            docs = await self._db.results.find(query, result_fields()).sort(sort).limit(
                branch.limit).to_list(None)
            return [to_state(doc) for doc in docs]

        return list(await asyncio.gather(*(one(branch) for branch in branches)))

    async def _locate(self, task_name: str, statuses: list[str], k: int) -> int | None:
        """The ord of the k-th (0-based) result in data order among `statuses`: one walk of the
        (task, status, ord) index, covered (only `ord` is read), the server skipping k keys.
        O(k) keys, unlike SQLite's block counters (see docs/workflow.md)."""
        status: Any = statuses[0] if len(statuses) == 1 else {"$in": list(statuses)}
        docs = await self._db.results.find(
            {"task_name": task_name, "status": status}, {"_id": 0, "ord": 1}).sort(
            [("ord", 1)]).skip(k).limit(1).to_list(None)
        return docs[0]["ord"] if docs else None

    async def _scan(self, query: ScanQuery) -> tuple[int, list[ResultState]]:
        """A contains-filter listing: the task's documents (narrowed by the exact conditions)
        tested by regex on the server; STATUS order reads each status in turn (each in data
        order on the (task, status, ord) index), the others sort on (task, ord) or in memory."""
        conditions, either = scan_filter(query)
        total = (await self._db.results.count_documents(_combine(conditions, either))
                 if query.count else 0)
        direction = -1 if query.descending else 1
        op = "$lt" if query.descending else "$gt"
        after = query.after
        rows: list[dict[str, Any]] = []
        if query.sort is ResultSort.STATUS:
            skip, need = query.offset, query.limit
            ranked = sorted(STATUS_RANK.items(), key=lambda kv: kv[1], reverse=query.descending)
            for status, rank in ranked:
                if need <= 0:
                    break
                if query.filter.statuses and status not in query.filter.statuses:
                    continue
                bound: dict[str, Any] = {}
                if after is not None:
                    if (rank < after[0]) if not query.descending else (rank > after[0]):
                        continue
                    if rank == after[0]:
                        bound = {"ord": {op: after[1]}}
                one = {**_combine(conditions, either), "status": status, **bound}
                if skip:
                    n = await self._db.results.count_documents(one)
                    if n <= skip:
                        skip -= n
                        continue
                docs = await self._db.results.find(one, result_fields()).sort(
                    [("ord", direction)]).skip(skip).limit(need).to_list(None)
                skip, need = 0, need - len(docs)
                rows += docs
        else:
            columns = ["ord"] if query.sort is ResultSort.DATA else ["annotator", "ord"]
            if after is not None:
                if len(columns) == 1:
                    conditions = {**conditions, "ord": {op: after[0]}}
                else:
                    either = [*either, {"$or": [{"annotator": {op: after[0]}},
                                                {"annotator": after[0], "ord": {op: after[1]}}]}]
            cursor = self._db.results.find(_combine(conditions, either), result_fields()).sort(
                [(column, direction) for column in columns])
            if query.offset:
                cursor = cursor.skip(query.offset)
            rows = await cursor.limit(query.limit).to_list(None)
        states = [to_state(doc) for doc in rows]
        return (total if query.count else len(states)), states

    async def _count(self, terms: list[CountQuery]) -> int:
        total = 0
        for term in terms:
            total += term.sign * await self._db.results.count_documents(
                _filter(term.equal, term.held))
        return total

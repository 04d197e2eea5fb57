"""Results on the MongoDB engine: point reads and the branch seeks listings are made of."""
from __future__ import annotations

import asyncio
from typing import Any

from store.mongo.workflow_docs import result_fields, to_state
from store.mongo.workflow_tasks import TASK_FIELDS
from store.repositories.workflow_listing import BranchQuery, CountQuery, Request, ResultListing
from store.repositories.workflow_types import ResultState, with_total


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


class MongoResults(ResultListing):
    _db: Any  # motor AsyncIOMotorDatabase

    async def get_result(self, task_name: str, data_id: str) -> ResultState | None:
        doc = await self._db.results.find_one({"task_name": task_name, "data_id": data_id},
                                              result_fields())
        return to_state(doc) if doc else None

    async def _answer(self, task_name: str, request: Request) -> Any:
        if request[0] == "task":  # the counters live on the task document: one read for both
            doc = await self._db.tasks.find_one({"name": task_name, "ready": True},
                                                {**TASK_FIELDS, "counts": 1})
            if doc is None:
                return None, None
            counts = with_total(doc.pop("counts"))
            return doc, counts
        return await super()._answer(task_name, request)

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

    async def _count(self, terms: list[CountQuery]) -> int:
        total = 0
        for term in terms:
            total += term.sign * await self._db.results.count_documents(
                _filter(term.equal, term.held))
        return total

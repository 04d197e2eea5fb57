"""Dump and load on the MongoDB engine.

Dump: on a replica set or sharded cluster every read goes through one snapshot session
(`readConcern: snapshot`), so the dump is one consistent state even while the server writes. A
standalone server has no snapshots: collections are read one after the other, and a write that
lands during the dump may show in a later collection and not an earlier one (the manifest of a
snapshot says which way it was taken; stop the server, or use a replica set, for an exact copy).

Load without multi-document transactions: staging, then swap. Every entry goes into fresh
staging collections (`staging_load_<token>_<name>`, with the engine's indexes, so a repeated key
fails there), derived counters are computed there, and only then is each staging collection
renamed over its live one (`renameCollection` with `dropTarget`, atomic per collection). A
failure while staging drops the staging collections: the live store was never touched. What is
not atomic: the swap itself is one rename per collection (nine, a few milliseconds); a crash in
that window leaves some collections new and some old. The next load drops leftover staging
collections; run the migration or restore again with `--force` to get a whole store.
"""
from __future__ import annotations

import secrets
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any

from pymongo.errors import BulkWriteError
from pymongo.errors import DuplicateKeyError as MongoDuplicateKeyError

from store.mongo.indexes import INDEXES
from store.mongo.transitions import supports_transactions
from store.mongo.label_totals import set_label_totals
from store.repositories.dump import (
    DUMP_BATCH,
    DumpEntry,
    DumpFormatError,
    DumpRepository,
    check_entry,
    empty_load_counts,
)
from store.repositories.specs import spec_content_hash
from store.repositories.workflow_types import LANE_OF_STATUS, ProgressCallback, empty_counts

#: Where each kind lives.
COLLECTION_OF: dict[str, str] = {
    "meta": "meta", "user": "users", "dataset": "datasets", "data": "data", "spec": "specs",
    "task": "tasks", "result": "results", "job": "jobs", "label": "labels",
}
STAGING_PREFIX = "staging_load_"


def _document(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """The stored document of a dump record (derived fields added; counters come later)."""
    if kind == "meta":
        return {"_id": record["key"], "value": record["value"]}
    if kind == "dataset":
        return {**record, "item_count": 0}
    if kind == "spec":
        return {**record, "content_hash": spec_content_hash(record)}
    if kind == "task":
        return {"name": record["name"], "spec_id": record["spec_id"],
                "dataset_id": record["dataset_id"], "ready": True, "counts": empty_counts()}
    if kind == "result":
        doc = {k: v for k, v in record.items() if k != "order"}
        doc.update(ord=int(record["order"]), lane=LANE_OF_STATUS[record["status"]],
                   finished_job_ids=list(record["finished_job_ids"]))
        return doc
    if kind == "label":
        return {k: record[k] for k in ("task_name", "data_id", "annotations", "statistics")}
    return dict(record)


def _record(kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The dump record of a stored document (the inverse of `_document`)."""
    if kind == "meta":
        return {"key": doc["_id"], "value": doc.get("value")}
    if kind == "result":
        record = {k: v for k, v in doc.items() if k not in ("_id", "ord", "lane")}
        record["order"] = doc["ord"]
        record.setdefault("comments", None)
        return record
    return doc


#: kind -> (filter, projection, sort), in DUMP_KINDS order.
DUMP_QUERIES: tuple[tuple[str, dict[str, Any], dict[str, int], list[tuple[str, int]]], ...] = (
    ("meta", {"_id": {"$ne": "v"}}, {}, [("_id", 1)]),
    ("user", {}, {"_id": 0}, [("username", 1)]),
    ("dataset", {}, {"_id": 0, "item_count": 0}, [("id", 1)]),
    ("data", {}, {"_id": 0}, [("dataset_id", 1), ("order", 1)]),
    ("spec", {}, {"_id": 0, "content_hash": 0}, [("_id", 1)]),
    ("task", {"ready": True}, {"_id": 0, "name": 1, "spec_id": 1, "dataset_id": 1}, [("name", 1)]),
    ("result", {}, {"lane": 0}, [("task_name", 1), ("ord", 1)]),
    ("job", {}, {"_id": 0}, [("task_name", 1), ("id", 1)]),
    ("label", {}, {"_id": 0}, [("task_name", 1), ("data_id", 1)]),
)


class MongoDump(DumpRepository):
    def __init__(self, db: Any, client: Any) -> None:
        """`db` on `client` (Motor's): the client starts the snapshot sessions of `dump`."""
        self._db = db
        self._client = client

    async def _snapshot_session(self) -> Any:
        """A snapshot session where the deployment has snapshots (replica set, sharded), else None."""
        if not await supports_transactions(self._db):
            return None
        return await self._client.start_session(snapshot=True)

    async def dump_is_consistent(self) -> bool:
        """Whether `dump` reads through a snapshot session (see the module docstring)."""
        session = await self._snapshot_session()
        if session is None:
            return False
        await session.end_session()
        return True

    async def dump(self, batch_size: int = DUMP_BATCH) -> AsyncIterator[list[DumpEntry]]:
        session = await self._snapshot_session()
        ready: set[str] = set()
        try:
            for kind, query, projection, sort in DUMP_QUERIES:
                cursor = self._db[COLLECTION_OF[kind]].find(
                    query, dict(projection) or None, session=session).sort(sort)
                batch: list[DumpEntry] = []
                async for doc in cursor.batch_size(batch_size):
                    if kind == "task":
                        ready.add(doc["name"])
                    elif kind in ("result", "job", "label") and doc["task_name"] not in ready:
                        continue  # a task still being created (or deleted) is not part of it
                    batch.append(DumpEntry(kind=kind, record=_record(kind, doc)))
                    if len(batch) >= batch_size:
                        yield batch
                        batch = []
                if batch:
                    yield batch
        finally:
            if session is not None:
                await session.end_session()

    async def load(self, batches: AsyncIterable[Sequence[Any]],
                   progress: ProgressCallback | None = None) -> dict[str, int]:
        await self._drop_staging()
        token = secrets.token_hex(4)
        staging = {name: f"{STAGING_PREFIX}{token}_{name}" for name in COLLECTION_OF.values()}
        counts = empty_load_counts()
        try:
            await self._prepare_staging(staging)
            async for batch in batches:
                by_kind: dict[str, list[dict[str, Any]]] = {}
                for entry in batch:
                    entry = check_entry(entry)
                    by_kind.setdefault(entry["kind"], []).append(
                        _document(entry["kind"], entry["record"]))
                for kind, docs in by_kind.items():
                    try:
                        await self._db[staging[COLLECTION_OF[kind]]].insert_many(docs, ordered=True)
                    except (MongoDuplicateKeyError, BulkWriteError) as exc:
                        raise DumpFormatError(f"{kind} records clash: a key repeats "
                                              f"({str(exc)[:160]})") from exc
                    counts[kind] += len(docs)
                if progress is not None:
                    progress(len(batch))
            await self._check_references(staging)
            await self._compute_counters(staging)
        except BaseException:
            await self._drop_staging()
            raise
        # The swap: one atomic rename per collection (the window the module docstring names).
        for name, stage in staging.items():
            await self._db[stage].rename(name, dropTarget=True)
        return counts

    async def read_meta(self, key: str) -> Any:
        doc = await self._db.meta.find_one({"_id": key})
        return None if doc is None else doc.get("value")

    async def _drop_staging(self) -> None:
        for name in await self._db.list_collection_names():
            if name.startswith(STAGING_PREFIX):
                await self._db.drop_collection(name)

    async def _prepare_staging(self, staging: dict[str, str]) -> None:
        """Empty collections with the live indexes (unique keys are checked while loading), and
        the schema version carried over."""
        for name, stage in staging.items():
            for keys, options in INDEXES.get(name, []):
                await self._db[stage].create_index(keys, **options)
        version = await self._db.meta.find_one({"_id": "v"})
        if version is not None:
            await self._db[staging["meta"]].insert_one(version)
        for stage in staging.values():  # renameCollection needs every source to exist
            if stage not in await self._db.list_collection_names():
                await self._db.create_collection(stage)

    async def _check_references(self, staging: dict[str, str]) -> None:
        datasets = set(await self._db[staging["datasets"]].distinct("id"))
        specs = set(await self._db[staging["specs"]].distinct("id"))
        tasks = set(await self._db[staging["tasks"]].distinct("name"))
        checks = (
            ("a data item of unknown dataset", "data", "dataset_id", datasets),
            ("a task of unknown dataset", "tasks", "dataset_id", datasets),
            ("a task of unknown spec", "tasks", "spec_id", specs),
            ("a result of unknown task", "results", "task_name", tasks),
            ("a label of unknown task", "labels", "task_name", tasks),
            ("a job of unknown task", "jobs", "task_name", tasks),
        )
        for what, collection, field, known in checks:
            unknown = set(await self._db[staging[collection]].distinct(field)) - known
            if unknown:
                raise DumpFormatError(f"the stream holds {what}: {sorted(unknown)[0]!r}")

    async def _compute_counters(self, staging: dict[str, str]) -> None:
        """Dataset item counts, task status counters and label totals, from what was staged."""
        await set_label_totals(self._db[staging["labels"]], self._db[staging["tasks"]])
        async for row in self._db[staging["data"]].aggregate(
                [{"$group": {"_id": "$dataset_id", "n": {"$sum": 1}}}]):
            await self._db[staging["datasets"]].update_one(
                {"id": row["_id"]}, {"$set": {"item_count": row["n"]}})
        async for row in self._db[staging["results"]].aggregate(
                [{"$group": {"_id": {"task": "$task_name", "status": "$status"},
                             "n": {"$sum": 1}}}]):
            await self._db[staging["tasks"]].update_one(
                {"name": row["_id"]["task"]},
                {"$set": {f"counts.{row['_id']['status']}": row["n"]}})

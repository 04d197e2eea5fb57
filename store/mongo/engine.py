"""`MongoStore`: the MongoDB engine, one repository object per domain composed here.

The app keeps no state of its own: every claim and transition is one conditional update on the
server, so any number of instances can share one database (replica set or sharded cluster).
"""
from __future__ import annotations

import logging
from typing import Any

from pymongo.errors import PyMongoError

from store.base import Store
from store.errors import StoreUnavailableError
from store.migrations import MIGRATIONS, SCHEMA_VERSION, Migration, steps_from
from store.mongo.datasets import MongoDatasets
from store.mongo.dump import MongoDump
from store.mongo.events import MongoEvents
from store.mongo.indexes import INDEXES
from store.mongo.specs import MongoSpecs
from store.mongo.throttle import MongoLoginThrottle
from store.mongo.transitions import Transitions
from store.mongo.users import MongoUsers
from store.mongo.workflow_claims import MongoClaims
from store.mongo.workflow_labels import MongoLabels
from store.mongo.workflow_results import MongoResults
from store.mongo.workflow_tasks import MongoTasks

VERSION_KEY = {"_id": "v"}
log = logging.getLogger("pixano_graph")


class MongoStore(Store):
    engine = "mongodb"

    def __init__(self, client: Any, database: str, migrations: tuple[Migration, ...] = MIGRATIONS,
                 target_version: int = SCHEMA_VERSION) -> None:
        """`client` is a Motor client (or mongomock-motor's, which has the same API)."""
        self._client = client
        self._db = db = client[database]
        datasets = MongoDatasets(db)
        self._counted_tasks = tasks = MongoTasks(db)
        self._counted_labels = labels = MongoLabels(db, tasks)
        super().__init__(
            users=MongoUsers(db), throttle=MongoLoginThrottle(db), datasets=datasets,
            specs=MongoSpecs(db), tasks=tasks,
            jobs=MongoClaims(db, tasks, labels, Transitions(client, db)),
            results=MongoResults(db, datasets), labels=labels, dumps=MongoDump(db, client),
            events=MongoEvents(db))
        self._migrations = migrations
        self._target_version = target_version

    @classmethod
    def from_uri(cls, uri: str, database: str) -> "MongoStore":
        from motor.motor_asyncio import AsyncIOMotorClient

        options: dict[str, Any] = ({} if "serverselectiontimeoutms" in uri.lower()
                                   else {"serverSelectionTimeoutMS": 5000})
        try:
            client: Any = AsyncIOMotorClient(uri, tz_aware=False, **options)
        except (PyMongoError, ValueError) as exc:
            raise StoreUnavailableError(f"invalid MongoDB URI: {exc}") from exc
        return cls(client, database)

    async def open(self) -> None:
        try:
            await self._db.command("ping")
            fresh = await self._db.meta.find_one(VERSION_KEY) is None and not await self._has_data()
            for collection, specs in INDEXES.items():
                # Only the missing ones: an index that exists is left alone (mongomock re-checks
                # partial unique indexes over every document when asked again).
                existing = await self._db[collection].index_information()
                for keys, options in specs:
                    if options.get("name") not in existing:
                        await self._db[collection].create_index(keys, **options)
            if fresh:
                await self._set_version(self._target_version)
            for step in steps_from(await self.stored_version(), self._target_version,
                                   self._migrations):
                await step.mongo(self._db)
                await self._set_version(step.from_version + 1)
            repaired = await self.repair_counts()
            if repaired:
                log.warning("status counters repaired at open (a transition was cut between "
                            "its two writes): %s", ", ".join(repaired))
            repaired = await self.repair_label_totals()
            if repaired:
                log.warning("label totals repaired at open (a labels write was cut before its "
                            "totals followed): %s", ", ".join(repaired))
        except PyMongoError as exc:
            raise StoreUnavailableError(f"cannot use MongoDB: {exc}") from exc

    async def repair_counts(self) -> list[str]:
        """Recount every task's statuses from its results, fix the counters that drifted; the
        names of the repaired tasks (see `MongoTasks.repair_counts`)."""
        return await self._counted_tasks.repair_counts()

    async def repair_label_totals(self) -> list[str]:
        """Count every task's label totals again from its labels, fix those that drifted; the
        names of the repaired tasks (see `MongoLabels.repair_label_totals`)."""
        return await self._counted_labels.repair_label_totals()

    async def _has_data(self) -> bool:
        return bool(set(await self._db.list_collection_names()) - {"meta"})

    async def _set_version(self, version: int) -> None:
        await self._db.meta.update_one(VERSION_KEY, {"$set": {"version": str(version)}}, upsert=True)

    async def stored_version(self) -> int:
        record = await self._db.meta.find_one(VERSION_KEY)
        return int(record["version"]) if record else 0

    async def close(self) -> None:
        self._client.close()

    async def health(self) -> dict[str, Any]:
        await self._db.command("ping")
        return {"engine": self.engine, "version": str(await self.stored_version()),
                "database": self._db.name}

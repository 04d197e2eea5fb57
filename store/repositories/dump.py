"""Dump and load the whole store as a stream of engine-neutral entries (snapshots, migration).

An entry is `{"kind": KIND, "record": {...}}`. Records carry exactly what the store keeps, in the
shapes of `store.records` (users keep their password hashes; data items their `order`; results
the live state of their current job, see `workflow_types.ResultState`), and nothing an engine
derives (dataset item counts, task status counters, spec content hashes, result lanes): `load`
recomputes those, so a dump taken on one engine loads into the other.

`dump` yields batches, `load` consumes batches: neither ever holds the whole database.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any, TypedDict, cast

from store.errors import StoreError
from store.records import LABELLING_STATUSES
from store.repositories.workflow_types import ProgressCallback

#: Kinds in the order `dump` yields them (and `load` accepts them in any order).
DUMP_KINDS: tuple[str, ...] = ("meta", "user", "dataset", "data", "spec", "task", "result", "job",
                               "label")

#: Fields every record of a kind must hold (more are kept as they are where the store keeps
#: free documents: users' preferences, data items, specs, jobs).
REQUIRED: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "user": ("username", "password", "role", "preferences"),
    "dataset": ("id", "path", "data_type"),
    "data": ("id", "dataset_id", "type", "path", "children", "order"),
    "spec": ("id", "plugin_name", "data_type", "label_schema"),
    "task": ("name", "spec_id", "dataset_id"),
    "result": ("task_name", "data_id", "order", "status", "current_job_id", "finished_job_ids",
               "cumulated_time", "annotator", "validator", "holder", "queued_for", "start_at",
               "job_duration", "last_update_at", "comments"),
    "job": ("id", "task_name", "data_id"),
    "label": ("task_name", "data_id", "annotations", "statistics"),
}

#: Meta keys the store manages itself, never dumped nor loaded (the schema version).
RESERVED_META: tuple[str, ...] = ("v",)

#: Rows per batch of `dump`.
DUMP_BATCH = 1000


class DumpEntry(TypedDict):
    kind: str
    record: dict[str, Any]


class DumpFormatError(StoreError):
    """An entry of a stream given to `load` is malformed or refers to something absent; the
    store was left as it was."""


def check_entry(entry: Any) -> DumpEntry:
    """The entry itself when well formed; DumpFormatError saying what is wrong otherwise."""
    if not isinstance(entry, dict) or not isinstance(entry.get("record"), dict):
        raise DumpFormatError(f"not a dump entry: {str(entry)[:120]}")
    kind = entry.get("kind")
    if kind not in REQUIRED:
        raise DumpFormatError(f"unknown record kind {kind!r}")
    record = entry["record"]
    missing = [name for name in REQUIRED[kind] if name not in record]
    if missing:
        raise DumpFormatError(f"{kind} record {_name(kind, record)} lacks {', '.join(missing)}")
    if kind == "result" and record["status"] not in LABELLING_STATUSES:
        raise DumpFormatError(f"result {_name(kind, record)} has unknown status "
                              f"{record['status']!r}")
    if kind == "meta" and record["key"] in RESERVED_META:
        raise DumpFormatError(f"meta key {record['key']!r} is managed by the store")
    return cast(DumpEntry, entry)  # its shape checked above


def _name(kind: str, record: dict[str, Any]) -> str:
    for key in ("username", "name", "key"):
        if key in record:
            return repr(record[key])
    parts = [str(record.get(k)) for k in ("task_name", "dataset_id", "data_id", "id") if k in record]
    return repr(":".join(parts))


def empty_load_counts() -> dict[str, int]:
    return {kind: 0 for kind in DUMP_KINDS}


class DumpRepository(ABC):
    @abstractmethod
    def dump(self, batch_size: int = DUMP_BATCH) -> AsyncIterator[list[DumpEntry]]:
        """Every record of the store, kind after kind (DUMP_KINDS order), in batches, read from
        one consistent state where the engine offers it (SQLite: one read transaction; MongoDB:
        a snapshot session on a replica set, collection by collection on a standalone server)."""

    @abstractmethod
    async def dump_is_consistent(self) -> bool:
        """Whether `dump` reads one consistent state while others write (said in snapshots)."""

    @abstractmethod
    async def load(self, batches: AsyncIterable[Sequence[Any]],
                   progress: ProgressCallback | None = None) -> dict[str, int]:
        """Replace the whole content of the store by the entries of `batches`; how many of each
        kind were loaded. All or nothing: when an entry is malformed (DumpFormatError), a key
        repeats, or the stream itself fails, the store is left as it was (see each engine for
        what "atomic" means there). Meant for a store nobody else is using (the CLI commands
        `migrate` and `restore` run with the server stopped)."""

    @abstractmethod
    async def read_meta(self, key: str) -> Any:
        """The value loaded under a meta key (e.g. where the data was migrated from), or None."""

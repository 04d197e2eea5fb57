"""`createDataset` (admins) and `get_or_create_dataset`, which task creation also calls.

Get-or-create on (normalised path, data type). Concurrent requests for the same dataset in this
process wait for the first one's scan instead of scanning again; across processes (several app
instances on MongoDB) the store's unique (path, data_type) key keeps exactly one, and the loser's
items are removed.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import strawberry

from graph.datasets.types import CreateDatasetInput, CreateDatasetPayload, Dataset
from graph.errors import ApiError, ErrorCode
from resolvers.datasets.ingest import IngestOptions, ingest
from resolvers.datasets.paths import PathRefused, normalise_dataset_path
from resolvers.datasets.scan import check_data_type
from store import DuplicateKeyError
from store.records import DatasetRecord


class _KeyedLocks:
    """One asyncio.Lock per key, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, list[int]]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[key]


_scans = _KeyedLocks()


@dataclass(frozen=True)
class DatasetCreation:
    dataset: DatasetRecord
    created: bool
    item_count: int
    skipped: list[str] = field(default_factory=list)


def normalise_path(path: str) -> str:
    try:
        return normalise_dataset_path(path)
    except PathRefused as exc:
        shown = path if len(path) <= 80 else path[:80] + "…"
        raise ApiError(ErrorCode.BAD_USER_INPUT, f"dataset path {shown!r}: {exc}",
                       field="path") from exc


async def ensure_dataset(ctx: Any, path: str, data_type: str,
                         options: IngestOptions | None = None) -> DatasetCreation:
    """The dataset of (path, data_type), scanning the folder when it does not exist yet."""
    check_data_type(data_type)
    normalised = normalise_path(path)
    store = ctx.store
    async with _scans.hold((id(store), normalised, data_type)):
        existing = await store.find_dataset(normalised, data_type)
        if existing is not None:
            count = (await store.count_data_items([existing["id"]]))[0]
            return DatasetCreation(existing, False, count)
        workspace_real = Path(os.path.realpath(ctx.settings.workspace))
        try:
            report = await ingest(store, workspace_real, normalised, data_type, options)
        except DuplicateKeyError as exc:
            # Another server instance created it meanwhile: theirs is the dataset.
            existing = await store.find_dataset(normalised, data_type)
            if existing is None:
                raise ApiError(ErrorCode.CONFLICT, "the dataset could not be stored (an id "
                               "collided); try again") from exc
            count = (await store.count_data_items([existing["id"]]))[0]
            return DatasetCreation(existing, False, count)
    return DatasetCreation(report.dataset, True, report.item_count, report.skipped)


async def get_or_create_dataset(ctx: Any, path: str, data_type: str) -> tuple[DatasetRecord, bool]:
    """For task creation: (the dataset, whether it was just created). Raises ApiError
    (BAD_USER_INPUT) for a bad path, an unknown data type or a folder without such data."""
    creation = await ensure_dataset(ctx, path, data_type)
    return creation.dataset, creation.created


async def create_dataset(
        info: strawberry.Info,
        input: Annotated[CreateDatasetInput, strawberry.argument(
            description="The folder and its data type.")],
) -> CreateDatasetPayload:
    creation = await ensure_dataset(info.context, input.path, input.data_type.value)
    return CreateDatasetPayload(dataset=Dataset.from_record(creation.dataset),
                                created=creation.created, item_count=creation.item_count,
                                skipped=creation.skipped)

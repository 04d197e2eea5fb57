"""Datasets and their data items (issue 3)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, Sequence
from dataclasses import dataclass
from enum import Enum

from store.errors import DuplicateKeyError
from store.records import DataRecord, DatasetRecord


def duplicate_dataset(dataset: DatasetRecord) -> DuplicateKeyError:
    """The refusal both engines give when a dataset's key or one of its items' keys is taken."""
    return DuplicateKeyError(
        f"a dataset {dataset['path']!r} of type {dataset['data_type']!r} (or the id "
        f"{dataset['id']!r}) already exists, or an item id/order repeats")


class DeleteOutcome(str, Enum):
    """What a delete of a shared resource (dataset, spec) did: tasks refer to these, so a delete
    may be refused rather than cascaded."""

    DELETED = "deleted"
    NOT_FOUND = "not_found"
    IN_USE = "in_use"


@dataclass(frozen=True)
class DataPage:
    """One page of a dataset's items in data order, with what a paginated listing needs."""

    items: list[DataRecord]
    total: int
    has_next: bool


class DatasetRepository(ABC):
    """Datasets (folders of the workspace) and the data items scanned from them.

    Every data item carries `order`, its rank by path within the dataset, stored in an indexed
    column/field so listings and the workflow follow data order without sorting at query time.
    """

    @abstractmethod
    async def create_dataset(self, dataset: DatasetRecord,
                             batches: AsyncIterable[Sequence[DataRecord]]) -> int:
        """Store `dataset` with the items `batches` yields; returns how many items were stored.

        Items are written batch by batch as they come (a large scan never sits in memory), and
        the dataset record is written last, so readers never see a dataset without all its items.
        If `batches` raises, or (path, data_type) or the id is already taken (DuplicateKeyError),
        every item written is removed and the exception propagates: nothing stays behind.
        """

    @abstractmethod
    async def get_dataset(self, dataset_id: str) -> DatasetRecord | None:
        """The dataset, or None when unknown."""

    @abstractmethod
    async def get_datasets(self, dataset_ids: Sequence[str]) -> list[DatasetRecord | None]:
        """Many datasets in one round trip, in the order asked (None for unknown ids)."""

    @abstractmethod
    async def find_dataset(self, path: str, data_type: str) -> DatasetRecord | None:
        """The dataset of this normalised path and data type, or None."""

    @abstractmethod
    async def list_datasets(self) -> list[DatasetRecord]:
        """All datasets, ordered by path then data type."""

    @abstractmethod
    async def count_data_items(self, dataset_ids: Sequence[str]) -> list[int]:
        """How many items each dataset holds (0 for unknown ids), read from a stored counter."""

    @abstractmethod
    async def delete_dataset(self, dataset_id: str) -> DeleteOutcome:
        """Remove the dataset and all its items, unless a task uses it (IN_USE, nothing removed)."""

    @abstractmethod
    async def list_data_ids(self, dataset_id: str) -> list[str]:
        """The ids of the dataset's items in data order (empty for an unknown dataset)."""

    @abstractmethod
    async def get_data_items(self, dataset_id: str, ids: Sequence[str]) -> list[DataRecord | None]:
        """Many items of one dataset in one round trip, in the order asked (None when unknown)."""

    @abstractmethod
    async def list_data_items(self, dataset_id: str, first: int, after_order: int | None = None,
                              backward: bool = False) -> DataPage:
        """Up to `first` items in data order, starting after the item of rank `after_order`
        (keyset pagination: no offset to skip), with the dataset's total item count.
        `backward`: the `first` items just before rank `after_order` (none: the last items),
        still in data order; `has_next` then says whether items precede them."""

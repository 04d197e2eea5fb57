"""GraphQL types of datasets and data items (DbDataset, DbData, DbFrame)."""
from __future__ import annotations

import strawberry

from graph.datasets.loaders import item_count_loader
from graph.enums import DataType
from graph.node import Node, encode_global_id
from graph.scalars import JSON
from graph.thumbnails import thumbnail_url
from store.records import DataRecord, DatasetRecord, FrameRecord


@strawberry.type(description="A folder of the workspace scanned for one data type.")
class Dataset(Node):
    dataset_id: strawberry.ID = strawberry.field(description="The dataset's own id (natural key).")
    path: str = strawberry.field(description="Relative to the workspace, normalised with a "
                                             "trailing '/' (the workspace itself is './').")
    data_type: DataType = strawberry.field(description="What each of its data items is.")

    @strawberry.field(description="How many data items the scan found.")
    async def item_count(self, info: strawberry.Info) -> int:
        return await item_count_loader(info.context).load(str(self.dataset_id))

    @classmethod
    def from_record(cls, record: DatasetRecord) -> "Dataset":
        return cls(dataset_id=strawberry.ID(record["id"]), path=record["path"],
                   data_type=DataType(record["data_type"]))

    def node_key(self) -> tuple[str, ...]:
        return (str(self.dataset_id),)


def as_urls(path: str | list[str]) -> list[str]:
    """A stored path (one URL, or a list for multi-view items) as a list of URLs."""
    return [path] if isinstance(path, str) else list(path)


@strawberry.type(description="One frame of a sequence.")
class DataFrame:
    timestamp: float = strawberry.field(description="Rank of the frame in its sequence (0, 1, …).")
    path: str | list[str] = strawberry.field(
        graphql_type=JSON, description="A /data URL, or [pcl URL, image URL].")

    @strawberry.field(description="The frame's media URLs: [image] or [point cloud, image].")
    def urls(self) -> list[str]:
        return as_urls(self.path)

    @classmethod
    def from_record(cls, record: FrameRecord) -> "DataFrame":
        return cls(timestamp=record["timestamp"], path=record["path"])


@strawberry.type(description="One data item of a dataset: an image, a point cloud, a pair, "
                             "or a sequence of frames.")
class DataItem(Node):
    data_id: strawberry.ID = strawberry.field(description="The item's id within its dataset "
                                                          "(natural key, with datasetId).")
    dataset_id: strawberry.ID = strawberry.field(description="The dataset holding the item.")
    type: DataType = strawberry.field(description="The data type of its dataset.")
    path: str | list[str] = strawberry.field(
        graphql_type=JSON, description="A /data URL (a folder URL for sequences), or a list of "
                                       "URLs for multi-view items.")
    children: list[DataFrame] = strawberry.field(
        description="The frames of a sequence, in order; empty otherwise.")
    thumbnail: str | None = strawberry.field(
        description="Base64 JPEG, 100 px high, for image items; null otherwise or when the "
                    "image could not be read.")
    thumbnail_url: str | None = strawberry.field(
        description="The same thumbnail as a URL of its JPEG (cacheable for good: an item's "
                    "thumbnail never changes); null when `thumbnail` is.")

    @classmethod
    def from_record(cls, record: DataRecord) -> "DataItem":
        return cls(data_id=strawberry.ID(record["id"]), dataset_id=strawberry.ID(record["dataset_id"]),
                   type=DataType(record["type"]), path=record["path"],
                   children=[DataFrame.from_record(f) for f in record.get("children") or []],
                   thumbnail=record.get("thumbnail"),
                   thumbnail_url=(thumbnail_url(record["dataset_id"], record["id"])
                                  if record.get("thumbnail") else None))

    def node_key(self) -> tuple[str, ...]:
        return (str(self.dataset_id), str(self.data_id))

    @strawberry.field(description="The item's media URLs (/data/…): one for an image, a point "
                                  "cloud or a sequence folder; [point cloud, image] for a pair.")
    def urls(self) -> list[str]:
        return as_urls(self.path)


@strawberry.input(description="A dataset to find or create.")
class CreateDatasetInput:
    path: str = strawberry.field(description="Folder relative to the workspace, e.g. 'images/'.")
    data_type: DataType = strawberry.field(description="What each data item of the folder is.")


@strawberry.type(description="The dataset of (path, dataType), found or created.")
class CreateDatasetPayload:
    dataset: Dataset = strawberry.field(description="The dataset, found or created.")
    created: bool = strawberry.field(description="False when it already existed (get-or-create).")
    item_count: int = strawberry.field(description="How many data items it holds.")
    skipped: list[str] = strawberry.field(
        description="URLs of images that could not be read: kept as items, without thumbnail.")


@strawberry.input(description="The dataset to delete.")
class DeleteDatasetInput:
    dataset_id: strawberry.ID = strawberry.field(description="The dataset's datasetId.")


@strawberry.type(description="The dataset that no longer exists (with its items), by its ids.")
class DeleteDatasetPayload:
    deleted_id: strawberry.ID = strawberry.field(
        description="The global id the dataset had: evict it from client caches.")
    deleted_dataset_id: strawberry.ID = strawberry.field(
        description="The datasetId the dataset had.")

    @classmethod
    def of(cls, dataset_id: str) -> "DeleteDatasetPayload":
        return cls(deleted_id=strawberry.ID(encode_global_id(Dataset.__name__, dataset_id)),
                   deleted_dataset_id=strawberry.ID(dataset_id))

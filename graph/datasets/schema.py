"""Dataset and data item fields: reads for any logged-in user, writes for admins."""
from __future__ import annotations

import strawberry

from graph.datasets.types import CreateDatasetPayload, DataItem, Dataset, DeleteDatasetPayload
from graph.pagination import Connection
from graph.permissions import IsAdmin, IsAuthenticated
from resolvers.datasets import dataset_create, dataset_delete, queries


@strawberry.type
class DatasetQuery:
    # Listing datasets is for admins, as on the original server (`checkAdmin`); a data item
    # stays readable by every logged-in user: the label page reads it.
    datasets: Connection[Dataset] = strawberry.field(
        resolver=queries.datasets, permission_classes=[IsAdmin],
        description="Every dataset, by path then data type. Admins only.")
    dataset: Dataset | None = strawberry.field(
        resolver=queries.dataset, permission_classes=[IsAdmin],
        description="One dataset by its datasetId; null (with a NOT_FOUND error) if unknown. "
                    "Admins only.")
    data_items: Connection[DataItem] = strawberry.field(
        resolver=queries.data_items, permission_classes=[IsAuthenticated],
        description="A page of a dataset's items in data order (by path); `after` is the "
                    "previous page's endCursor.")
    data_item: DataItem | None = strawberry.field(
        resolver=queries.data_item, permission_classes=[IsAuthenticated],
        description="One data item of a dataset; null (with a NOT_FOUND error) if unknown.")


@strawberry.type
class DatasetMutation:
    create_dataset: CreateDatasetPayload = strawberry.mutation(
        resolver=dataset_create.create_dataset, permission_classes=[IsAdmin],
        description="Find or create the dataset of (path, dataType): scans the folder, "
                    "thumbnails its images. Admins only.")
    delete_dataset: DeleteDatasetPayload = strawberry.mutation(
        resolver=dataset_delete.delete_dataset, permission_classes=[IsAdmin],
        description="Delete a dataset and its items (CONFLICT while a task uses it). Admins only.")

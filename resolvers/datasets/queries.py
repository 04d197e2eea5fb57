"""Reading datasets and data items: `datasets`, `dataset`, `dataItems`, `dataItem`."""
from __future__ import annotations

import base64
import binascii

from typing import Annotated

import strawberry

from graph.datasets.loaders import data_item_loader, dataset_loader
from graph.datasets.types import DataItem, Dataset
from graph.pagination import (AFTER, BEFORE, FIRST, LAST, Connection, Edge, Window,
                              connection_of, keyset_window)
from graph.errors import ApiError, ErrorCode
from store.records import DatasetRecord

def encode_cursor(order: int) -> str:
    """Opaque to clients; it is the item's rank, so the next page is one index range scan."""
    return base64.urlsafe_b64encode(f"data:{order}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str = "after") -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "data" or not value.isdigit():
            raise ValueError(raw)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(ErrorCode.BAD_USER_INPUT, f"invalid `{field}` cursor: pass a cursor of "
                       "a dataItems page", field=field) from exc


async def load_dataset(info: strawberry.Info, dataset_id: str) -> DatasetRecord:
    record = await dataset_loader(info.context).load(dataset_id)
    if record is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"no dataset with id {dataset_id!r}",
                       field="datasetId")
    return record


async def datasets(
        info: strawberry.Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[int | None, strawberry.argument(description=LAST)] = None,
        before: Annotated[str | None, strawberry.argument(description=BEFORE)] = None,
) -> Connection[Dataset]:
    return connection_of(await info.context.store.list_datasets(), lambda r: r["id"], "dataset",
                         Window(first, after, last, before), Dataset.from_record)


async def dataset(
        info: strawberry.Info,
        dataset_id: Annotated[strawberry.ID, strawberry.argument(
            description="The dataset's datasetId.")],
) -> Dataset | None:
    return Dataset.from_record(await load_dataset(info, str(dataset_id)))


async def data_items(
        info: strawberry.Info,
        dataset_id: Annotated[strawberry.ID, strawberry.argument(
            description="The dataset whose items to list.")],
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[int | None, strawberry.argument(description=LAST)] = None,
        before: Annotated[str | None, strawberry.argument(description=BEFORE)] = None,
) -> Connection[DataItem]:
    """Keyset pages in data order, both ways (the cursor is the item's rank)."""
    window = keyset_window(first, after, last, before)
    order = decode_cursor(window.cursor, window.cursor_field) if window.cursor else None
    await load_dataset(info, str(dataset_id))
    stop = decode_cursor(window.stop, window.stop_field) if window.stop else None
    page = await info.context.store.list_data_items(str(dataset_id), window.size, order,
                                                    backward=window.backward)
    items, cut = window.bounded(page.items, lambda r: r["order"], stop)
    edges = [Edge(cursor=encode_cursor(r["order"]), node=DataItem.from_record(r)) for r in items]
    return Connection(edges=edges, total_count=page.total,
                      page_info=window.page_info(edges, page.has_next or cut))


async def data_item(
        info: strawberry.Info,
        dataset_id: Annotated[strawberry.ID, strawberry.argument(
            description="The dataset's datasetId.")],
        data_id: Annotated[strawberry.ID, strawberry.argument(
            description="The data item's dataId within the task's dataset.")],
) -> DataItem | None:
    record = await data_item_loader(info.context).load((str(dataset_id), str(data_id)))
    if record is None:
        await load_dataset(info, str(dataset_id))
        raise ApiError(ErrorCode.NOT_FOUND,
                       f"no data item {str(data_id)!r} in dataset {str(dataset_id)!r}",
                       field="dataId")
    return DataItem.from_record(record)

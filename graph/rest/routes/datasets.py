"""Datasets and their data items."""
from __future__ import annotations

from typing import Any

from graph.rest.shapes import (DATA_FRAGMENT, DATA_TYPES, DATASET_FRAGMENT, STRING, array_of, db_data,
                               db_dataset, enum_schema, ref, to_enum)
from graph.rest.spec import Body, Call, Field, Param, Route
from graph.rest.walk import all_nodes, every, follow_pages
from graph.settings import MAX_PAGE_SIZE
from resolvers.datasets.queries import encode_cursor

DATASET_BODY = Body("RestNewDataset", (
    Field("path", STRING, required=True, description="folder relative to the workspace",
          example="images/"),
    Field("data_type", enum_schema(DATA_TYPES), required=True),
), "DbDataset without `id`: an `id` in the body is ignored.")

DEFAULT_COUNT = 10
PAGE = Param("page", "page number, from 1 (default 1)", "integer", minimum=1)
COUNT = Param("count", f"items per page (default {DEFAULT_COUNT})", "integer", minimum=1,
              maximum=MAX_PAGE_SIZE)


def _data_variables(call: Call) -> dict[str, Any]:
    """One page, read with one keyset seek: items are ranked 0, 1, … in data order, so page p
    starts after the item ranked (p - 1) × count - 1."""
    page = call.params["page"] or 1
    count = call.params["count"] or DEFAULT_COUNT
    skipped = min((page - 1) * count, 2**53)  # past any dataset's end, within the engines' ints
    return {"datasetId": call.path["dataset_id"], "first": count,
            "after": encode_cursor(skipped - 1) if skipped else None}


def _data_page(data: dict[str, Any], call: Call) -> dict[str, Any]:
    connection = data["dataItems"]
    total = connection["totalCount"]
    return {"results": [db_data(i) for i in connection["nodes"]], "counter": total,
            "globalCounter": total}


DATASET_ID = lambda call: {"datasetId": call.path["dataset_id"]}  # noqa: E731

ROUTES: tuple[Route, ...] = (
    Route(
        name="listDatasets", method="GET", path="/datasets", tag="datasets",
        summary="Every dataset (admins, as on the original server).",
        document=DATASET_FRAGMENT + "\n" + every("datasets", "DbDataset", "Datasets"),
        follow=follow_pages("datasets"),
        result=lambda datas, call: [db_dataset(d) for d in all_nodes(datas, "datasets")],
        response=array_of(ref("DbDataset")), errors=(401, 403),
    ),
    Route(
        name="createDataset", method="POST", path="/datasets", tag="datasets",
        summary="Find or create the dataset of (path, data_type): scans the folder and makes "
                "image thumbnails (admins). 201 with the dataset, also when it already existed.",
        document=DATASET_FRAGMENT + """
mutation CreateDataset($input: CreateDatasetInput!) {
  createDataset(input: $input) { dataset { ...DbDataset } } }""",
        body=DATASET_BODY,
        variables=lambda call: {"input": {"path": call.body["path"],
                                          "dataType": to_enum(call.body["data_type"])}},
        result=lambda data, call: db_dataset(data["createDataset"]["dataset"]), status=201,
        response=ref("DbDataset"), errors=(400, 401, 403),
    ),
    Route(
        name="getDataset", method="GET", path="/datasets/{dataset_id}", tag="datasets",
        summary="One dataset (admins, as on the original server).",
        document=DATASET_FRAGMENT + """
query Dataset($datasetId: ID!) { dataset(datasetId: $datasetId) { ...DbDataset } }""",
        variables=DATASET_ID, result=lambda data, call: db_dataset(data["dataset"]),
        response=ref("DbDataset"), errors=(401, 403, 404),
    ),
    Route(
        name="deleteDataset", method="DELETE", path="/datasets/{dataset_id}", tag="datasets",
        summary="Delete a dataset and its items (admins); 409 while a task uses it.",
        document="""mutation DeleteDataset($input: DeleteDatasetInput!) {
  deleteDataset(input: $input) { deletedId } }""",
        variables=lambda call: {"input": DATASET_ID(call)}, status=204, errors=(401, 403, 404, 409),
    ),
    Route(
        name="listData", method="GET", path="/datasets/{dataset_id}/data", tag="datasets",
        summary="One page of a dataset's data items in data order (by path); `counter` is the "
                "dataset's item count.",
        document=DATA_FRAGMENT + """
query DataItems($datasetId: ID!, $first: Int!, $after: String) {
  dataItems(datasetId: $datasetId, first: $first, after: $after) {
    totalCount nodes { ...DbData } pageInfo { hasNextPage endCursor } } }""",
        params=(PAGE, COUNT),
        variables=_data_variables, result=_data_page, response=ref("DataPage"), errors=(400, 401, 404),
    ),
    Route(
        name="getData", method="GET", path="/datasets/{dataset_id}/data/{data_id}", tag="datasets",
        summary="One data item (with its thumbnail for images).",
        document=DATA_FRAGMENT + """
query DataItem($datasetId: ID!, $dataId: ID!) {
  dataItem(datasetId: $datasetId, dataId: $dataId) { ...DbData } }""",
        variables=lambda call: {"datasetId": call.path["dataset_id"],
                                "dataId": call.path["data_id"]},
        result=lambda data, call: db_data(data["dataItem"]), response=ref("DbData"), errors=(401, 404),
    ),
)

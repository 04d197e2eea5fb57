"""Datasets and their data items."""
from __future__ import annotations

from typing import Any

from graph.rest.shapes import (DATA_FRAGMENT, DATA_TYPES, DATASET_FRAGMENT, STRING, array_of, db_data,
                               db_dataset, enum_schema, ref, to_enum)
from graph.rest.spec import Body, Call, Field, Param, Route
from graph.rest.walk import all_nodes, every, follow_pages

DATASET_BODY = Body("RestNewDataset", (
    Field("path", STRING, required=True, description="folder relative to the workspace",
          example="images/"),
    Field("data_type", enum_schema(DATA_TYPES), required=True),
), "DbDataset without `id`: an `id` in the body is ignored.")

WALK = 500  # items per GraphQL page when a legacy listing asks for everything
PAGE = Param("page", "page number, from 1; omit it (and count) to get every item", "integer", minimum=1)
COUNT = Param("count", "items per page (default 10 when `page` is given)", "integer", minimum=1)


def _wanted(call: Call) -> int | None:
    """How many items from the start the caller's page needs (None: all of them)."""
    page = call.params["page"]
    if page is None:
        return None
    return page * (call.params["count"] or 10)


def _walk(datas: list[dict[str, Any]], call: Call) -> dict[str, Any] | None:
    connection = datas[-1]["dataItems"]
    wanted = _wanted(call)
    if not connection["pageInfo"]["hasNextPage"]:
        return None
    if wanted is not None and len(datas) * WALK >= wanted:
        return None
    return {"after": connection["pageInfo"]["endCursor"]}


def _data_page(datas: list[dict[str, Any]], call: Call) -> dict[str, Any]:
    items = [item for data in datas for item in data["dataItems"]["nodes"]]
    total = datas[0]["dataItems"]["totalCount"]
    if call.params["page"] is not None:
        count = call.params["count"] or 10
        items = items[(call.params["page"] - 1) * count: call.params["page"] * count]
    return {"results": [db_data(i) for i in items], "counter": total, "globalCounter": total}


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
        document="mutation DeleteDataset($datasetId: ID!) { deleteDataset(datasetId: $datasetId) }",
        variables=DATASET_ID, status=204, errors=(401, 403, 404, 409),
    ),
    Route(
        name="listData", method="GET", path="/datasets/{dataset_id}/data", tag="datasets",
        summary="A dataset's data items in data order (by path): all of them, or one page.",
        document=DATA_FRAGMENT + """
query DataItems($datasetId: ID!, $first: Int!, $after: String) {
  dataItems(datasetId: $datasetId, first: $first, after: $after) {
    totalCount nodes { ...DbData } pageInfo { hasNextPage endCursor } } }""",
        params=(PAGE, COUNT),
        variables=lambda call: {"datasetId": call.path["dataset_id"], "first": WALK, "after": None},
        follow=_walk, result=_data_page, response=ref("DataPage"), errors=(400, 401, 404),
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

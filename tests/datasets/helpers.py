"""GraphQL documents and small helpers shared by the dataset tests."""
from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

from graph.settings import MAX_PAGE_SIZE
from tests.client import Caller

CREATE_DATASET = """mutation Create($input: CreateDatasetInput!) {
  createDataset(input: $input) {
    created itemCount skipped
    dataset { id: datasetId path dataType itemCount }
  }
}"""

DELETE_DATASET = """mutation Delete($id: ID!) {
  deleteDataset(input: {datasetId: $id}) { deletedId deletedDatasetId } }"""

DATASETS = "{ datasets { nodes { id: datasetId path dataType itemCount } } }"

DATASET = "query One($id: ID!) { dataset(datasetId: $id) { id: datasetId path dataType itemCount } }"

DATA_ITEMS = """query Items($datasetId: ID!, $first: Int, $after: String) {
  dataItems(datasetId: $datasetId, first: $first, after: $after) {
    totalCount
    nodes { id: dataId datasetId type path thumbnail children { timestamp path } }
    pageInfo { hasNextPage endCursor }
  }
}"""

DATA_ITEM = """query Item($datasetId: ID!, $id: ID!) {
  dataItem(datasetId: $datasetId, dataId: $id) {
    id: dataId datasetId type path thumbnail children { timestamp path }
  }
}"""


async def create_dataset(caller: Caller, path: str, data_type: str = "IMAGE") -> dict[str, Any]:
    data = await caller.gql(CREATE_DATASET, {"input": {"path": path, "dataType": data_type}})
    return data["createDataset"]


async def all_items(caller: Caller, dataset_id: str, page: int = MAX_PAGE_SIZE) -> list[dict[str, Any]]:
    """Every item of a dataset, following the cursors."""
    items: list[dict[str, Any]] = []
    after = None
    while True:
        data = (await caller.gql(DATA_ITEMS, {"datasetId": dataset_id, "first": page,
                                              "after": after}))["dataItems"]
        items.extend(data["nodes"])
        if not data["pageInfo"]["hasNextPage"]:
            return items
        after = data["pageInfo"]["endCursor"]


def decode_thumbnail(thumbnail: str) -> Image.Image:
    """The thumbnail as Pillow reads it (asserting it is a JPEG)."""
    image = Image.open(io.BytesIO(base64.b64decode(thumbnail, validate=True)))
    image.load()
    assert image.format == "JPEG"
    return image

"""Image datasets through GraphQL: scan, order, thumbnails, get-or-create, pages, items."""
from __future__ import annotations

import asyncio
import re

from tests.conftest import make_user
from tests.datasets.helpers import (
    DATA_ITEM,
    DATA_ITEMS,
    DATASET,
    DATASETS,
    all_items,
    create_dataset,
    decode_thumbnail,
)
from tests.files import make_corrupt_image, make_image, make_images


async def test_every_image_under_the_folder_becomes_an_item_in_path_order(admin, workspace) -> None:
    make_images(workspace / "images", ["b.jpg", "a.png", "sub/c.JPEG", "sub/deeper/d.Jpg", "Z.PNG"])
    (workspace / "images" / "notes.txt").write_text("not an image")
    (workspace / "images" / "cloud.bin").write_bytes(b"\0" * 16)
    make_image(workspace / "elsewhere" / "e.jpg")  # outside the dataset folder

    out = await create_dataset(admin, "images")
    assert out["created"] is True
    assert out["itemCount"] == 5 and out["skipped"] == []
    dataset = out["dataset"]
    assert (dataset["path"], dataset["dataType"], dataset["itemCount"]) == ("images/", "IMAGE", 5)

    items = await all_items(admin, dataset["id"])
    assert [i["path"] for i in items] == [
        "/data/images/Z.PNG", "/data/images/a.png", "/data/images/b.jpg",
        "/data/images/sub/c.JPEG", "/data/images/sub/deeper/d.Jpg"]
    for item in items:
        assert re.fullmatch(r"[0-9a-f]{10}", item["id"])
        assert (item["datasetId"], item["type"], item["children"]) == (dataset["id"], "IMAGE", [])
    assert len({i["id"] for i in items}) == 5


async def test_thumbnails_are_jpeg_100_px_high_with_the_aspect_kept(admin, workspace) -> None:
    make_image(workspace / "imgs" / "wide.jpg", size=(640, 480))
    make_image(workspace / "imgs" / "tall.png", size=(300, 900))
    make_image(workspace / "imgs" / "tiny.jpg", size=(40, 20))  # smaller than a thumbnail
    out = await create_dataset(admin, "imgs/")
    sizes = {i["path"].rsplit("/", 1)[1]: decode_thumbnail(i["thumbnail"]).size
             for i in await all_items(admin, out["dataset"]["id"])}
    assert sizes == {"wide.jpg": (133, 100), "tall.png": (33, 100), "tiny.jpg": (200, 100)}


async def test_thumbnail_shows_the_picture_as_its_exif_orientation_says(admin, workspace) -> None:
    from PIL import Image

    path = workspace / "photos" / "portrait.jpg"
    path.parent.mkdir()
    image = Image.new("RGB", (400, 200), "red")  # stored landscape, shown portrait (rotate 90)
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(path, exif=exif)
    out = await create_dataset(admin, "photos")
    [item] = await all_items(admin, out["dataset"]["id"])
    assert decode_thumbnail(item["thumbnail"]).size == (50, 100)


async def test_the_thumbnail_is_a_small_copy_of_the_picture(admin, workspace) -> None:
    from PIL import Image

    path = workspace / "halves" / "h.png"
    path.parent.mkdir()
    image = Image.new("RGB", (400, 200), "blue")
    image.paste(Image.new("RGB", (200, 200), "yellow"), (200, 0))
    image.save(path)
    out = await create_dataset(admin, "halves")
    [item] = await all_items(admin, out["dataset"]["id"])
    thumb = decode_thumbnail(item["thumbnail"]).convert("RGB")
    r, g, b = thumb.getpixel((20, 50))
    assert b > 180 and r < 80 and g < 80  # blue on the left
    r, g, b = thumb.getpixel((180, 50))
    assert r > 180 and g > 180 and b < 80  # yellow on the right


async def test_thumbnails_are_coded_with_tables_made_for_them(admin, workspace) -> None:
    """As the original server's (sharp optimises the Huffman coding by default): the same
    picture with the standard tables is larger, and a results page carries ten of them."""
    import base64
    import io

    make_images(workspace / "coded", ["a.jpg", "b.png"])
    out = await create_dataset(admin, "coded")
    for item in await all_items(admin, out["dataset"]["id"]):
        served = base64.b64decode(item["thumbnail"])
        standard = io.BytesIO()
        decode_thumbnail(item["thumbnail"]).save(standard, format="JPEG", quality=80)
        assert len(served) < len(standard.getvalue()) - 100


async def test_corrupt_images_are_kept_without_thumbnail_and_listed(admin, workspace) -> None:
    make_images(workspace / "mixed", ["a.jpg", "c.png"])
    make_corrupt_image(workspace / "mixed" / "b.jpg")
    (workspace / "mixed" / "empty.png").write_bytes(b"")
    good = workspace / "mixed" / "cut.jpg"
    make_image(good, size=(640, 480))
    good.write_bytes(good.read_bytes()[:300])  # truncated mid-scan

    out = await create_dataset(admin, "mixed")
    assert out["itemCount"] == 5
    assert out["skipped"] == ["/data/mixed/b.jpg", "/data/mixed/cut.jpg", "/data/mixed/empty.png"]
    items = {i["path"]: i["thumbnail"] for i in await all_items(admin, out["dataset"]["id"])}
    assert items["/data/mixed/b.jpg"] is None and items["/data/mixed/empty.png"] is None
    assert decode_thumbnail(items["/data/mixed/a.jpg"]).height == 100


async def test_get_or_create_on_the_normalised_path(admin, workspace) -> None:
    make_images(workspace / "images", ["a.jpg", "b.jpg"])
    first = await create_dataset(admin, "images")
    make_image(workspace / "images" / "c.jpg")  # not rescanned: the dataset exists
    for spelling in ("images/", "./images//", "images/./"):
        again = await create_dataset(admin, spelling)
        assert again["created"] is False
        assert again["dataset"] == first["dataset"]
        assert again["itemCount"] == 2
    other_type = await create_dataset(admin, "images", "SEQUENCE_IMAGE")
    assert other_type["created"] is True and other_type["dataset"]["id"] != first["dataset"]["id"]
    listed = (await admin.gql(DATASETS))["datasets"]["nodes"]
    assert [(d["path"], d["dataType"]) for d in listed] == [("images/", "IMAGE"),
                                                          ("images/", "SEQUENCE_IMAGE")]


async def test_concurrent_creations_scan_once_and_agree(admin, workspace) -> None:
    make_images(workspace / "images", [f"{n:02d}.jpg" for n in range(12)])
    results = await asyncio.gather(*(create_dataset(admin, "images") for _ in range(6)))
    assert sum(r["created"] for r in results) == 1
    assert len({r["dataset"]["id"] for r in results}) == 1
    assert all(r["itemCount"] == 12 for r in results)
    assert len((await admin.gql(DATASETS))["datasets"]["nodes"]) == 1


async def test_the_whole_workspace_can_be_a_dataset_without_its_private_folder(admin, workspace) -> None:
    make_images(workspace, ["top.jpg", "images/a.jpg"])
    make_image(workspace / ".pixano" / "sneaky.jpg")
    make_image(workspace / ".hidden" / "h.jpg")
    make_image(workspace / "images" / "._a.jpg")
    out = await create_dataset(admin, ".")
    assert out["dataset"]["path"] == "./"
    assert [i["path"] for i in await all_items(admin, out["dataset"]["id"])] == [
        "/data/images/a.jpg", "/data/top.jpg"]


async def test_file_names_become_valid_urls(admin, workspace) -> None:
    make_images(workspace / "odd names", ["a cat#1.jpg", "100%.png", "é.jpg"])
    out = await create_dataset(admin, "odd names")
    assert out["dataset"]["path"] == "odd names/"
    assert [i["path"] for i in await all_items(admin, out["dataset"]["id"])] == [
        "/data/odd%20names/100%25.png", "/data/odd%20names/a%20cat%231.jpg",
        "/data/odd%20names/%C3%A9.jpg"]


async def test_pages_follow_data_order_with_a_total(admin, workspace) -> None:
    make_images(workspace / "images", [f"{n:02d}.jpg" for n in range(7)])
    dataset_id = (await create_dataset(admin, "images"))["dataset"]["id"]
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await admin.gql(DATA_ITEMS, {"datasetId": dataset_id, "first": 3,
                                             "after": after}))["dataItems"]
        assert page["totalCount"] == 7
        seen.extend(i["path"] for i in page["nodes"])
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == [f"/data/images/{n:02d}.jpg" for n in range(7)]
    default = (await admin.gql(DATA_ITEMS, {"datasetId": dataset_id}))["dataItems"]
    assert len(default["nodes"]) == 7 and default["pageInfo"]["hasNextPage"] is False
    empty = (await admin.gql(DATA_ITEMS, {"datasetId": dataset_id, "first": 0}))["dataItems"]
    assert empty["nodes"] == [] and empty["pageInfo"]["endCursor"] is None


async def test_bad_page_arguments(admin, workspace) -> None:
    make_images(workspace / "images", ["a.jpg"])
    dataset_id = (await create_dataset(admin, "images"))["dataset"]["id"]
    for variables in ({"first": -1}, {"first": 1001}, {"after": "not-a-cursor"}, {"after": "ZGF0YTp4"}):
        error = await admin.gql_error(DATA_ITEMS, {"datasetId": dataset_id, **variables})
        assert error.code == "BAD_USER_INPUT", variables
    error = await admin.gql_error(DATA_ITEMS, {"datasetId": "nope"})
    assert error.code == "NOT_FOUND" and "nope" in error.message


async def test_one_item_and_unknown_ids(admin, workspace) -> None:
    make_images(workspace / "images", ["a.jpg", "b.jpg"])
    dataset_id = (await create_dataset(admin, "images"))["dataset"]["id"]
    items = await all_items(admin, dataset_id)
    one = (await admin.gql(DATA_ITEM, {"datasetId": dataset_id, "id": items[1]["id"]}))["dataItem"]
    assert one == items[1]
    error = await admin.gql_error(DATA_ITEM, {"datasetId": dataset_id, "id": "nope"})
    assert error.code == "NOT_FOUND" and "nope" in error.message
    error = await admin.gql_error(DATA_ITEM, {"datasetId": "nope", "id": items[0]["id"]})
    assert error.code == "NOT_FOUND" and "dataset" in error.message
    error = await admin.gql_error(DATASET, {"id": "nope"})
    assert error.code == "NOT_FOUND"
    found = (await admin.gql(DATASET, {"id": dataset_id}))["dataset"]
    assert (found["path"], found["itemCount"]) == ("images/", 2)


async def test_users_read_items_admins_datasets_strangers_nothing(http, admin, anonymous, workspace) -> None:
    make_images(workspace / "images", ["a.jpg"])
    user = await make_user(http, admin, "carol")
    error = await user.gql_error(
        "mutation { createDataset(input: {path: \"images\", dataType: IMAGE}) { created } }")
    assert error.code == "FORBIDDEN"
    assert (await admin.gql(DATASETS))["datasets"]["nodes"] == []  # nothing was created
    dataset_id = (await create_dataset(admin, "images"))["dataset"]["id"]
    # Listing datasets is for admins (as on the original server); their items are for everyone.
    assert (await user.gql_error(DATASETS)).code == "FORBIDDEN"
    assert (await user.gql_error(DATASET, {"id": dataset_id})).code == "FORBIDDEN"
    assert [d["id"] for d in (await admin.gql(DATASETS))["datasets"]["nodes"]] == [dataset_id]
    assert len(await all_items(user, dataset_id)) == 1
    error = await user.gql_error("mutation($id: ID!) { deleteDataset(input: {datasetId: $id}) { deletedId } }", {"id": dataset_id})
    assert error.code == "FORBIDDEN"
    for query, variables in ((DATASETS, None), (DATA_ITEMS, {"datasetId": dataset_id})):
        error = await anonymous.gql_error(query, variables)
        assert error.code == "UNAUTHENTICATED"
    assert (await admin.gql(DATASET, {"id": dataset_id}))["dataset"]["itemCount"] == 1

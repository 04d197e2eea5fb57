"""Scanning a dataset folder into data items, for the six data types of the domain contract.

| data_type          | one item is                                   | path                    | children |
| image              | each image file (.jpg/.jpeg/.png, any case)   | file URL                | []       |
| pcl                | each .bin file                                | file URL                | []       |
| pcl_image          | each .bin whose paired image exists           | [pcl URL, image URL]    | []       |
| sequence_image     | each folder directly holding images           | folder URL              | frames   |
| sequence_pcl       | each folder directly holding .bin files       | folder URL              | frames   |
| sequence_pcl_image | each folder of .bin files                     | folder URL              | frames of [pcl, image] |

The walk is recursive and does not follow symlinked folders (no loops, no escape); a symlinked
file counts only when its target is inside the workspace. Hidden entries (`.name`) are not data
(editor and OS litter such as `._x.jpg`, and the server's own `.pixano/`). Items are sorted by path
(plain string order of the workspace-relative path): that order is the dataset's data order.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from graph.errors import ApiError, ErrorCode
from resolvers.datasets.paths import PathRefused, resolve_inside, split_relative, to_url
from store.records import DATA_TYPES, FrameRecord

log = logging.getLogger("pixano_graph.datasets")

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
PCL_SUFFIXES = frozenset({".bin"})


@dataclass
class ScannedItem:
    """One future data item; `image` is the file to thumbnail (image items only)."""

    key: str  # workspace-relative path that orders the items
    path: str | list[str]
    children: list[FrameRecord] = field(default_factory=list)
    image: str | None = None


@dataclass(frozen=True)
class _File:
    name: str
    relative: str  # workspace-relative POSIX path
    real: str  # absolute path to read


def _bad(message: str) -> ApiError:
    return ApiError(ErrorCode.BAD_USER_INPUT, message, field="path")


def check_data_type(data_type: str) -> str:
    if data_type not in DATA_TYPES:
        raise ApiError(ErrorCode.BAD_USER_INPUT,
                       f"unknown data type {data_type!r}: use one of {', '.join(DATA_TYPES)}",
                       field="dataType")
    return data_type


def dataset_folder(workspace_real: Path, dataset_path: str) -> Path:
    """The folder a normalised dataset path names, checked: it exists, is a folder, and stays in
    the workspace once symlinks are followed."""
    try:
        parts = split_relative(dataset_path)
    except PathRefused as exc:
        raise _bad(f"dataset path {dataset_path!r}: {exc}") from exc
    folder = workspace_real.joinpath(*parts)
    if resolve_inside(workspace_real, parts) is None:
        raise _bad(f"dataset path {dataset_path!r} leads outside the workspace (through a "
                   "symlink) or into the server's private folder")
    if not folder.exists():
        raise _bad(f"there is no folder {dataset_path!r} in the workspace: create it, or give "
                   "a path relative to the workspace")
    if not folder.is_dir():
        raise _bad(f"{dataset_path!r} is a file, not a folder: give the folder holding the data")
    return folder


def _walk(workspace_real: Path, folder: Path, prefix: str) -> Iterator[tuple[str, list[_File]]]:
    """(workspace-relative folder, its files sorted by name) for the folder and every subfolder."""
    stack = [(folder, prefix)]
    while stack:
        directory, relative_dir = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError as exc:
            log.warning("cannot list %s: %s (skipped)", directory, exc.strerror or exc)
            continue
        files: list[_File] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relative = relative_dir + entry.name
            try:
                if entry.is_symlink():
                    target = resolve_inside(workspace_real, relative.split("/"))
                    if target is None:
                        log.warning("%s points outside the workspace: ignored", relative)
                    elif target.is_file():
                        files.append(_File(entry.name, relative, str(target)))
                    # Symlinked folders are not followed: no loops, one path per file.
                elif entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), relative + "/"))
                elif entry.is_file(follow_symlinks=False):
                    files.append(_File(entry.name, relative, entry.path))
            except OSError as exc:
                log.warning("cannot read %s: %s (skipped)", relative, exc.strerror or exc)
        files.sort(key=lambda f: f.name)
        yield relative_dir, files


def paired_image(pcl_relative: str) -> str:
    """The camera image of a point cloud: `pcls/`->`images/`, `velodyne_`->`cam_`, extension ->
    `.jpg` (the layout the original server paired, e.g. KITTI-like exports)."""
    parts = pcl_relative.split("/")
    folders = ["images" if p == "pcls" else p for p in parts[:-1]]
    relative = "/".join([*folders, parts[-1]]).replace("velodyne_", "cam_")
    return str(PurePosixPath(relative).with_suffix(".jpg"))


def _pair_exists(workspace_real: Path, relative: str) -> bool:
    target = resolve_inside(workspace_real, relative.split("/"))
    return target is not None and target.is_file()


def _with_suffix(files: list[_File], suffixes: frozenset[str]) -> list[_File]:
    return [f for f in files if PurePosixPath(f.name).suffix.lower() in suffixes]


def scan(workspace_real: Path, dataset_path: str, data_type: str) -> list[ScannedItem]:
    """The items of a dataset folder in data order; BAD_USER_INPUT when there are none.

    Blocking file-system work: call it off the event loop.
    """
    check_data_type(data_type)
    folder = dataset_folder(workspace_real, dataset_path)
    prefix = "" if dataset_path == "./" else dataset_path
    wants_images = data_type in ("image", "sequence_image")
    suffixes = IMAGE_SUFFIXES if wants_images else PCL_SUFFIXES
    items: list[ScannedItem] = []
    unpaired = 0
    for relative_dir, all_files in _walk(workspace_real, folder, prefix):
        files = _with_suffix(all_files, suffixes)
        if not files:
            continue
        if data_type in ("image", "pcl"):
            items.extend(ScannedItem(key=f.relative, path=to_url(f.relative),
                                     image=f.real if data_type == "image" else None) for f in files)
        elif data_type == "pcl_image":
            for f in files:
                pair = paired_image(f.relative)
                if _pair_exists(workspace_real, pair):
                    items.append(ScannedItem(key=f.relative, path=[to_url(f.relative), to_url(pair)]))
                else:
                    unpaired += 1
                    log.warning("%s has no paired image %s: not a pcl_image item", f.relative, pair)
        else:
            folder_relative = relative_dir.rstrip("/")
            frames: list[FrameRecord] = []
            for index, f in enumerate(files):
                frame_path: str | list[str] = to_url(f.relative)
                if data_type == "sequence_pcl_image":
                    pair = paired_image(f.relative)
                    if not _pair_exists(workspace_real, pair):
                        log.warning("frame %s has no paired image %s", f.relative, pair)
                    frame_path = [to_url(f.relative), to_url(pair)]
                frames.append({"timestamp": index, "path": frame_path})
            items.append(ScannedItem(key=folder_relative, path=to_url(folder_relative),
                                     children=frames))
    if not items:
        raise _bad(_nothing_found(dataset_path, data_type, unpaired))
    items.sort(key=lambda item: item.key)
    return items


def _nothing_found(dataset_path: str, data_type: str, unpaired: int) -> str:
    kinds = {
        "image": "no image file (.jpg, .jpeg, .png)",
        "pcl": "no point cloud file (.bin)",
        "pcl_image": "no point cloud file (.bin) with a paired image",
        "sequence_image": "no folder of images (.jpg, .jpeg, .png)",
        "sequence_pcl": "no folder of point cloud files (.bin)",
        "sequence_pcl_image": "no folder of point cloud files (.bin)",
    }
    message = f"{kinds[data_type]} found under {dataset_path!r} for data type {data_type!r}"
    if unpaired:
        message += (f" ({unpaired} .bin file(s) lack their image: a pcls/x/velodyne_N.bin pairs "
                    "with images/x/cam_N.jpg)")
    return message

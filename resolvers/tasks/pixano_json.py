"""The Pixano JSON layout of exported tasks, as the original server wrote and read it.

    <folder>/<task>.json          {"name", "version", "spec", "dataset"}  (spec, dataset: no id)
    <folder>/<task>/<item>.json   {"task_name", "data_id", "annotations",
                                   "data": {"type", "path", "children", "status"}}

Paths inside the files are relative to the workspace (`images/cat.jpg`; a sequence is its folder,
`images/vid1`; a pcl_image item the pair `[pcl, image]`), never /data URLs. An item file is named
after the item's path within its dataset, `/` turned into `_` and the media extension dropped
(`images/sub/cat.jpg` in dataset `images/` -> `sub_cat.json`), as the original named them; a name
that would collide with another (`cat.jpg` and `cat.png`) or be unsafe gets a suffix instead of
silently overwriting it, as the original did.

Beyond the original's fields, `data` also carries the item's `annotator`, `validator` and
`cumulated_time`, so a round trip keeps the dashboards' columns; the original's reader ignores
them, and files without them import as the original's did (status only). Reading is lenient where
the original was (no `version`: 0.9; a sequence named by its first frame when `data.path` is
missing; a task name defaulting to the file's) and strict where it guessed (an unknown status or a
value of the wrong type is refused, naming the file).
"""
from __future__ import annotations

import hashlib
import math
import posixpath
from dataclasses import dataclass
from typing import Any

from graph.errors import ApiError, ErrorCode
from resolvers.datasets.paths import MEDIA_PREFIX, from_url
from store.records import DATA_TYPES, LABELLING_STATUSES, DataRecord, DatasetRecord, SpecRecord
from store.repositories.workflow_types import ItemSeed, ResultState

FORMAT_VERSION = "0.9"
JSON_SUFFIX = ".json"
#: Dropped from the end of item file names, as the original did.
MEDIA_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bin")
#: File names stay well below the 255 bytes most file systems allow.
MAX_NAME_BYTES = 200


# ---- writing ------------------------------------------------------------------------------------

def task_document(name: str, spec: SpecRecord, dataset: DatasetRecord) -> dict[str, Any]:
    return {"name": name, "version": FORMAT_VERSION,
            "spec": {k: v for k, v in spec.items() if k != "id"},
            "dataset": {k: v for k, v in dataset.items() if k != "id"}}


def _relative(path: str | list[str]) -> str | list[str]:
    return [from_url(p) for p in path] if isinstance(path, list) else from_url(path)


def item_document(state: ResultState, data: DataRecord, annotations: Any) -> dict[str, Any]:
    return {
        "task_name": state["task_name"], "data_id": state["data_id"], "annotations": annotations,
        "data": {
            "type": data["type"], "path": _relative(data["path"]),
            "children": [{**frame, "path": _relative(frame["path"])}
                         for frame in data.get("children") or []],
            "status": state["status"], "annotator": state["annotator"],
            "validator": state["validator"], "cumulated_time": state["cumulated_time"],
        },
    }


def item_stem(data: DataRecord, dataset_path: str) -> str:
    """The original's file name of an item (without `.json`)."""
    first = data["path"][0] if isinstance(data["path"], list) else data["path"]
    relative = from_url(first)
    if dataset_path != "./" and relative.startswith(dataset_path):
        relative = relative[len(dataset_path):]
    name = relative.strip("/").replace("/", "_")
    for extension in MEDIA_EXTENSIONS:
        if name.endswith(extension):
            return name[:-len(extension)]
    return name


class FileNames:
    """Hands out file names (without `.json`) unique within one folder, case-insensitively (the
    export may be copied to a case-insensitive disk), and safe: never empty, `.`/`..`, hidden
    or `_`-prefixed (import skips those), never too long for the file system."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def take(self, *candidates: str) -> str:
        safe = [_safe(c) for c in candidates]
        for name in safe:
            if name.casefold() not in self._used:
                return self._keep(name)
        number = 2
        while f"{safe[0]}-{number}".casefold() in self._used:
            number += 1
        return self._keep(f"{safe[0]}-{number}")

    def _keep(self, name: str) -> str:
        self._used.add(name.casefold())
        return name


def _safe(name: str) -> str:
    if name in ("", ".", "..") or name.startswith((".", "_")):
        name = f"x{name}"
    encoded = name.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        digest = hashlib.sha1(encoded).hexdigest()[:12]
        name = encoded[:MAX_NAME_BYTES - 13].decode("utf-8", "ignore") + "-" + digest
    return name


# ---- reading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskFile:
    """A task file, checked: what creating its task needs."""

    file: str  # workspace-relative, for messages
    stem: str  # its item files are in the folder of this name
    name: str
    plugin_name: str
    data_type: str
    label_schema: Any
    settings: Any
    dataset_path: str


def bad_file(file: str, message: str) -> ApiError:
    return ApiError(ErrorCode.BAD_USER_INPUT, f"{file}: {message}", file=file)


def _object(value: Any, file: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_file(file, f"{what} must be a JSON object")
    return value


def _string(value: Any, file: str, what: str, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise bad_file(file, f"{what} must be a string")
    return value


def read_task_file(doc: Any, file: str, stem: str) -> TaskFile:
    doc = _object(doc, file, "a task file")
    spec = _object(doc.get("spec"), file, "'spec'")
    dataset = _object(doc.get("dataset"), file, "'dataset'")
    given = [t for t in (spec.get("data_type"), dataset.get("data_type")) if t is not None]
    if not given:
        raise bad_file(file, "give the data type in 'spec.data_type' or 'dataset.data_type' "
                             f"(one of {', '.join(DATA_TYPES)})")
    if any(t != given[0] for t in given):
        raise bad_file(file, f"'spec.data_type' and 'dataset.data_type' differ: {given}")
    data_type = _string(given[0], file, "the data type")
    if data_type not in DATA_TYPES:
        raise bad_file(file, f"unknown data type {data_type!r}: use one of {', '.join(DATA_TYPES)}")
    return TaskFile(
        file=file, stem=stem, name=_string(doc.get("name"), file, "'name'", default=stem),
        plugin_name=_string(spec.get("plugin_name"), file, "'spec.plugin_name'"),
        data_type=data_type, label_schema=spec.get("label_schema"),
        settings=spec.get("settings"),
        dataset_path=_string(dataset.get("path"), file, "'dataset.path'"))


def path_key(path: str) -> str | None:
    """How an item's path is compared: workspace-relative, `/data/` and `.` segments and trailing
    slashes dropped; None for a path that could not be inside the workspace."""
    if path.startswith(MEDIA_PREFIX):
        path = path[len(MEDIA_PREFIX):]
    parts = [p for p in path.split("/") if p not in ("", ".")]
    return None if not parts or ".." in parts else "/".join(parts)


def data_key(data: DataRecord) -> str | None:
    """The key of a stored data item (its first path for a pcl_image pair)."""
    first = data["path"][0] if isinstance(data["path"], list) else data["path"]
    return path_key(from_url(first))


def _named_path(data: dict[str, Any], file: str) -> str:
    """`data.path` (the first of a pair), else the folder of the first frame (a sequence)."""
    path = data.get("path")
    if not path:
        frames = data.get("children") or data.get("url")
        if not isinstance(frames, list) or not frames or not isinstance(frames[0], dict):
            raise bad_file(file, "'data.path' is missing (and there is no frame to take it from)")
        frame = frames[0].get("path") or frames[0].get("url")
        frame = frame[0] if isinstance(frame, list) and frame else frame
        return posixpath.dirname(_string(frame, file, "the first frame's path"))
    path = path[0] if isinstance(path, list) and path else path
    return _string(path, file, "'data.path'")


def read_item_file(doc: Any, file: str) -> tuple[str, ItemSeed]:
    """(the item's path, as `path_key` compares it; how the item starts)."""
    doc = _object(doc, file, "an annotation file")
    data = _object(doc.get("data"), file, "'data'")
    named = _named_path(data, file)
    key = path_key(named)
    if key is None:
        raise bad_file(file, f"'data.path' {named!r} is not a path inside the workspace")
    status = _string(data.get("status"), file, "'data.status'", default="to_annotate")
    if status not in LABELLING_STATUSES:
        raise bad_file(file, f"unknown status {status!r}: use one of {', '.join(LABELLING_STATUSES)}")
    time = data.get("cumulated_time", 0)
    if isinstance(time, bool) or not isinstance(time, (int, float)) or not (
            math.isfinite(time) and time >= 0):
        raise bad_file(file, "'data.cumulated_time' must be a number of seconds >= 0")
    annotations = doc.get("annotations")
    return key, ItemSeed(
        status=status, annotations=[] if annotations is None else annotations,
        annotator=_string(data.get("annotator"), file, "'data.annotator'", default=""),
        validator=_string(data.get("validator"), file, "'data.validator'", default=""),
        cumulated_time=float(time))

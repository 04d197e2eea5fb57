"""The files of a task export or import: where they may be, how they are listed, read and written.

Every folder and file is inside the workspace and outside `.pixano/` once symlinks are followed
(`resolvers/datasets/paths.py` decides what that means); the workspace itself is refused too, as
the original did (an export there would mix task folders with the data). An export replaces a
task's folder only when it holds nothing but JSON files (a previous export): it never deletes
anything else. Blocking file-system work: call it off the event loop.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import ApiError, ErrorCode
from resolvers.datasets.paths import (STATE_DIR_NAME, PathRefused, is_inside, resolve_inside,
                                      split_relative)
from resolvers.tasks.pixano_json import JSON_SUFFIX, bad_file

#: A larger file is refused rather than read into memory (segmentation masks stay far below).
MAX_FILE_BYTES = 64 * 1024 * 1024


def _bad_path(path: str, why: str) -> ApiError:
    return ApiError(ErrorCode.BAD_USER_INPUT, f"path {path!r}: {why}", field="path")


@dataclass(frozen=True)
class Folder:
    """A checked folder of the workspace: `relative` as the API shows it ('exports/day1/')."""

    relative: str
    real: Path
    workspace_real: Path

    def show(self, path: Path) -> str:
        """A path below the workspace as messages name it (workspace-relative)."""
        return path.relative_to(self.workspace_real).as_posix()

    def inside(self, path: Path) -> bool:
        return is_inside(Path(os.path.realpath(path)), self.workspace_real)


def transfer_folder(workspace_real: Path, path: str) -> Folder:
    """The folder `path` names (it may not exist yet), or BAD_USER_INPUT saying why not."""
    try:
        parts = split_relative(path.strip())
    except PathRefused as exc:
        raise _bad_path(path, str(exc)) from exc
    if not parts:
        raise _bad_path(path, "give a folder inside the workspace, e.g. 'exports', not the "
                              "workspace itself")
    if parts[0] == STATE_DIR_NAME:
        raise _bad_path(path, f"'{STATE_DIR_NAME}/' holds the server's own files")
    real = resolve_inside(workspace_real, parts)
    if real is None or real == workspace_real:
        raise _bad_path(path, "it leads outside the workspace (through a symlink) or into the "
                              "server's private folder")
    if real.exists() and not real.is_dir():
        raise _bad_path(path, "it is a file, not a folder")
    return Folder("/".join(parts) + "/", real, workspace_real)


def unwritable(folder: Folder, exc: OSError) -> ApiError:
    """A file-system refusal (permissions, a full disk) as a message naming the place."""
    where = folder.show(Path(exc.filename)) if exc.filename and folder.inside(
        Path(exc.filename)) else folder.relative
    return ApiError(ErrorCode.BAD_USER_INPUT, f"cannot write {where}: {exc.strerror or exc}",
                    field="path")


def existing_folder(workspace_real: Path, path: str) -> Folder:
    folder = transfer_folder(workspace_real, path)
    if not folder.real.is_dir():
        raise _bad_path(path, "there is no such folder in the workspace")
    return folder


# ---- import ----------------------------------------------------------------------------------

@dataclass
class TaskFiles:
    """One `<task>.json` and the annotation files of its `<task>/` folder (sorted by name)."""

    file: Path
    stem: str
    items: list[Path] = field(default_factory=list)


def _json_files(folder: Folder, directory: Path, skip_underscore: bool) -> list[Path]:
    files = []
    for entry in sorted(os.scandir(directory), key=lambda e: e.name):
        name = entry.name
        if not name.endswith(JSON_SUFFIX) or name.startswith(".") or (
                skip_underscore and name.startswith("_")):
            continue
        path = Path(entry.path)
        if not folder.inside(path):
            raise bad_file(folder.show(path), "it leads outside the workspace (through a symlink)"
                                              " or into the server's private folder")
        if path.is_file():
            files.append(path)
    return files


def list_import(folder: Folder) -> list[TaskFiles]:
    """Every task file of the folder with its annotation files. As the original: `_name.json`
    is skipped (a way to leave a task out), and a task without its folder has no annotations."""
    try:
        return _list_import(folder)
    except OSError as exc:
        raise ApiError(ErrorCode.BAD_USER_INPUT, f"cannot list {folder.relative}: "
                       f"{exc.strerror or exc}", field="path") from exc


def _list_import(folder: Folder) -> list[TaskFiles]:
    tasks = []
    for file in _json_files(folder, folder.real, skip_underscore=True):
        stem = file.name[:-len(JSON_SUFFIX)]
        task = TaskFiles(file, stem)
        directory = folder.real / stem
        if directory.exists():
            if not folder.inside(directory) or not directory.is_dir():
                raise bad_file(folder.show(directory), "expected the folder of the task's "
                               "annotation files, inside the workspace")
            task.items = _json_files(folder, directory, skip_underscore=False)
        tasks.append(task)
    return tasks


def read_json(folder: Folder, path: Path) -> Any:
    """The parsed file, or BAD_USER_INPUT naming it."""
    shown = folder.show(path)
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise bad_file(shown, f"cannot be read ({exc.strerror or exc})") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise bad_file(shown, f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_file(shown, f"is not valid JSON ({exc})") from exc


# ---- export ----------------------------------------------------------------------------------

def _only_json(directory: Path) -> bool:
    """A previous export of a task: a real folder holding nothing but JSON files."""
    if directory.is_symlink() or not directory.is_dir():
        return False
    return all(e.is_file(follow_symlinks=False) and e.name.endswith(JSON_SUFFIX)
               for e in os.scandir(directory))


def check_targets(folder: Folder, stems: list[str]) -> None:
    """CONFLICT, before anything is written, when a task's file or folder would replace
    something that is not a previous export."""
    for stem in stems:
        directory, file = folder.real / stem, folder.real / f"{stem}{JSON_SUFFIX}"
        if (directory.exists() or directory.is_symlink()) and not _only_json(directory):
            raise ApiError(ErrorCode.CONFLICT, f"{folder.show(directory)} holds files that are "
                           "not a Pixano export of that task: export into another folder",
                           field="path")
        if file.is_dir():
            raise ApiError(ErrorCode.CONFLICT, f"{folder.show(file)} is a folder: export into "
                           "another folder", field="path")


def write_json(path: Path, document: Any) -> None:
    """As the original wrote them: UTF-8, one-space indent (encoded in one piece: `json.dump`
    to the stream writes it in hundreds of small pieces, a third slower)."""
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(document, indent=1, ensure_ascii=False))


def staging_folder(folder: Folder, stem: str) -> Path:
    """A hidden folder beside the task's, where its files are written before they replace it."""
    folder.real.mkdir(parents=True, exist_ok=True)
    staging = folder.real / f".{stem}.partial-{secrets.token_hex(4)}"
    staging.mkdir()
    return staging


def publish(folder: Folder, stem: str, staging: Path, task_document: dict[str, Any]) -> None:
    """Swap the finished staging folder and the task file in place of the previous export."""
    token = secrets.token_hex(4)
    check_targets(folder, [stem])
    file = folder.real / f"{stem}{JSON_SUFFIX}"
    pending = folder.real / f".{stem}{JSON_SUFFIX}.partial-{token}"
    write_json(pending, task_document)
    target, previous = folder.real / stem, None
    try:
        if target.exists():
            previous = folder.real / f".{stem}.old-{token}"
            os.rename(target, previous)
        os.rename(staging, target)
        os.replace(pending, file)
    except BaseException:
        pending.unlink(missing_ok=True)
        if previous is not None and not target.exists():
            os.rename(previous, target)
        raise
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)

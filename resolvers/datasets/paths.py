"""Workspace paths: one place that decides what a relative path means and whether it stays inside.

Used by dataset creation (the folder to scan, every file found, every paired image) and by the
/data media route, so "inside the workspace and not the server's private folder" has one definition.
"""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

MEDIA_PREFIX = "/data/"
STATE_DIR_NAME = ".pixano"


#: Longest path segment (a file or folder name) and longest path: the limits of common file
#: systems (NAME_MAX, PATH_MAX). Longer ones would only fail later inside the OS call.
MAX_SEGMENT_LENGTH = 255
MAX_PATH_LENGTH = 4096


class PathRefused(ValueError):
    """A relative path that is malformed or leads outside the workspace; the message says why."""


class PathTooLong(PathRefused):
    """A path beyond MAX_SEGMENT_LENGTH / MAX_PATH_LENGTH: bad input rather than a forbidden place."""


def split_relative(path: str) -> list[str]:
    """The segments of a workspace-relative POSIX path, `.` and empty ones dropped.

    Refuses absolute paths, `..` anywhere (even when it would stay inside: a path means one
    thing, written one way), NUL bytes and backslashes (Windows separators are not guessed), and
    paths or names longer than the file system allows (PathTooLong).
    """
    if len(path) > MAX_PATH_LENGTH:
        raise PathTooLong(f"the path is {len(path)} characters long; at most {MAX_PATH_LENGTH} "
                          "are allowed")
    if "\x00" in path:
        raise PathRefused("the path contains a NUL character")
    if "\\" in path:
        raise PathRefused("use '/' as the separator, not '\\'")
    if path.startswith("/") or PurePosixPath(path).is_absolute():
        raise PathRefused("the path must be relative to the workspace, not absolute")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise PathRefused("the path must not contain '..': it would leave the workspace")
    longest = max(parts, key=len, default="")
    if len(longest) > MAX_SEGMENT_LENGTH:
        raise PathTooLong(f"a path segment is {len(longest)} characters long; at most "
                          f"{MAX_SEGMENT_LENGTH} are allowed per folder or file name")
    return parts


def normalise_dataset_path(path: str) -> str:
    """`images`, `./images//` -> `images/`; the workspace itself is `./` (as the original server)."""
    parts = split_relative(path.strip())
    if parts and parts[0] == STATE_DIR_NAME:
        raise PathRefused(f"'{STATE_DIR_NAME}/' holds the server's own files, not data")
    return "/".join(parts) + "/" if parts else "./"


def is_inside(real: Path, workspace_real: Path) -> bool:
    """Whether an already resolved path is the workspace or below it, and not in `.pixano/`."""
    if real != workspace_real and workspace_real not in real.parents:
        return False
    return not (real == workspace_real / STATE_DIR_NAME
                or (workspace_real / STATE_DIR_NAME) in real.parents)


def resolve_inside(workspace_real: Path, parts: list[str]) -> Path | None:
    """The real path of workspace/parts once every symlink is followed, or None when that lands
    outside the workspace or in its private folder (or a link loops)."""
    try:
        real = Path(os.path.realpath(workspace_real.joinpath(*parts), strict=False))
    except (OSError, RuntimeError, ValueError):
        return None
    return real if is_inside(real, workspace_real) else None


def to_url(relative: str) -> str:
    """The /data URL of a workspace-relative POSIX path, percent-encoded so any file name
    (spaces, '#', '?', '%', accents) survives as a link."""
    return MEDIA_PREFIX + quote(relative, safe="/")


def from_url(url: str) -> str:
    """The workspace-relative path of a /data URL (the inverse of `to_url`); anything else is
    returned as it is."""
    return unquote(url[len(MEDIA_PREFIX):]) if url.startswith(MEDIA_PREFIX) else url

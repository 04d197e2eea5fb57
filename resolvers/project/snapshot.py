"""Snapshots: a dated zip of the whole store in `WORKSPACE/.pixano/snapshots/`, and restoring one.

A snapshot holds `records.jsonl` (one dump entry per line, store.repositories.dump) and
`manifest.json` (format, when, which engine, record counts, whether the dump was one consistent
state). It is streamed in both directions, batch by batch, never the whole store in memory. The
zip is written under a temporary name and renamed when complete, so a listed snapshot is always
whole. `.pixano/` is never served: a snapshot is reachable only on the server's disk.
"""
from __future__ import annotations

import asyncio
import io
import json
import os
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from resolvers.progress import Progress
from resolvers.project.guard import refuse_unless_empty
from store import Store
from store.repositories.dump import DUMP_KINDS, DumpEntry, empty_load_counts

SNAPSHOT_FOLDER = "snapshots"
FORMAT = "pixano-graph-snapshot"
FORMAT_VERSION = 1
RECORDS = "records.jsonl"
MANIFEST = "manifest.json"
BATCH = 1000


class SnapshotError(Exception):
    """The file is not a readable snapshot of this format."""


@dataclass(frozen=True)
class SnapshotInfo:
    name: str
    path: Path
    created_at: datetime
    counts: dict[str, int]
    consistent: bool


def snapshot_folder(state_dir: Path) -> Path:
    return state_dir / SNAPSHOT_FOLDER


def _free_name(folder: Path, created: datetime) -> str:
    stem = f"snapshot-{created:%Y-%m-%dT%H-%M-%SZ}"
    name, n = f"{stem}.zip", 1
    while (folder / name).exists():
        n += 1
        name = f"{stem}-{n}.zip"
    return name


async def take_snapshot(store: Store, state_dir: Path, created: datetime,
                        note: str | None = None) -> SnapshotInfo:
    """Dump the store into a new dated zip; the file appears only once complete."""
    folder = snapshot_folder(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = _free_name(folder, created)
    partial = folder / f".{name}.partial"
    counts = empty_load_counts()
    consistent = await store.dump_is_consistent()
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            with zf.open(RECORDS, "w", force_zip64=True) as out:
                async for batch in store.dump(BATCH):
                    for entry in batch:
                        counts[entry["kind"]] += 1
                    data = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in batch)
                    # Compressing and writing happen off the event loop: other requests go on.
                    await asyncio.to_thread(out.write, data.encode("utf-8"))
            manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                        "created_at": created.isoformat(timespec="seconds"),
                        "engine": store.engine, "schema_version": await store.stored_version(),
                        "consistent": consistent, "counts": counts, "note": note}
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2))
        os.replace(partial, folder / name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return SnapshotInfo(name=name, path=folder / name, created_at=created, counts=counts,
                        consistent=consistent)


def read_manifest(zf: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(zf.read(MANIFEST))
        zf.getinfo(RECORDS)
    except (KeyError, ValueError) as exc:
        raise SnapshotError(f"{path} is not a pixano-graph snapshot (no {MANIFEST} or "
                            f"{RECORDS})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotError(f"{path} is not a pixano-graph snapshot")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise SnapshotError(f"{path} has snapshot format version {manifest.get('format_version')}"
                            f"; this pixano-graph reads version {FORMAT_VERSION}")
    return manifest


async def _entries(zf: zipfile.ZipFile, path: Path) -> AsyncIterator[list[DumpEntry]]:
    with zf.open(RECORDS) as raw:
        lines = io.TextIOWrapper(raw, encoding="utf-8")

        def take() -> list[str]:
            return [line for _, line in zip(range(BATCH), lines, strict=False)]

        number = 0
        while chunk := await asyncio.to_thread(take):
            batch = []
            for line in chunk:
                number += 1
                try:
                    batch.append(json.loads(line))
                except ValueError as exc:
                    raise SnapshotError(f"{path}: line {number} of {RECORDS} is not JSON") from exc
            yield batch


async def restore_snapshot(store: Store, path: Path, *, force: bool = False,
                           stream: TextIO | None = None) -> dict[str, int]:
    """Replace the store's content by the snapshot's (all or nothing; see Store.load)."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise SnapshotError(f"cannot read the snapshot {path}: {exc}") from exc
    with zf:
        manifest = read_manifest(zf, path)
        await refuse_unless_empty(store, force, "restoring")
        total = sum(int(manifest.get("counts", {}).get(kind, 0)) for kind in DUMP_KINDS)
        with Progress(f"restoring {path.name}", total, stream=stream) as progress:
            try:
                return await store.load(_entries(zf, path), progress.advance)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise SnapshotError(f"the snapshot {path} is damaged ({exc}); nothing was "
                                    "changed") from exc

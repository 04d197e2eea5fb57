"""`pixano-graph migrate`: bring a pixano-app workspace's LevelDB into this server's store.

The old database is streamed (resolvers/project/legacy_db.py) straight into `Store.load`, which
replaces the store's content all or nothing: a failure (a corrupt table, an unreadable log, a
clash) leaves the store exactly as it was. A store that already holds data is refused unless
`force`; a second run on the same store is refused the same way, so nothing is ever duplicated.
"""
from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from resolvers.auth.passwords import hash_password_blocking
from resolvers.progress import Progress
from resolvers.project.guard import refuse_unless_empty
from resolvers.project.legacy_db import LegacyDatabaseError, LegacyReader, ReadReport, open_copy
from store import Store
from store.repositories.dump import DumpEntry

OLD_DATABASE = "db.ldb"
BATCH = 1000
#: Skipped records listed one by one in the closing report; beyond, a count.
LISTED_SKIPS = 50


@dataclass
class MigrationReport:
    read: ReadReport
    elapsed: float = 0.0
    dry_run: bool = False
    loaded: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        verb = "would migrate" if self.dry_run else "migrated"
        kinds = sorted(set(self.read.migrated) | set(self.read.skipped_by_kind))
        out = [f"{'Dry run: nothing was written. ' if self.dry_run else ''}"
               f"pixano-app database (version {self.read.old_version or 'unknown'}) "
               f"{verb} in {self.elapsed:.1f} s:"]
        for kind in kinds:
            out.append(f"  {kind:<8} {self.read.migrated.get(kind, 0):>9} {verb}, "
                       f"{self.read.skipped_by_kind.get(kind, 0)} skipped")
        out.append(f"  passwords: {self.read.passwords_hashed} plain-text passwords hashed "
                   "(argon2id); old sessions end, users log in again")
        out.append(f"  assignments: {self.read.holds_kept} held jobs kept, "
                   f"{self.read.holds_released} stale holds released, "
                   f"{self.read.queued_kept} corrections queued for their annotator")
        for skipped in self.read.skipped[:LISTED_SKIPS]:
            out.append(f"  skipped {skipped.key!r}: {skipped.reason}")
        if len(self.read.skipped) > LISTED_SKIPS:
            out.append(f"  ... and {len(self.read.skipped) - LISTED_SKIPS} more skipped records")
        return out


def old_database(workspace: Path) -> Path:
    return workspace / OLD_DATABASE


def has_old_database(workspace: Path) -> bool:
    return (old_database(workspace) / "CURRENT").is_file()


async def _batches(entries: Iterator[DumpEntry], origin: dict[str, Any]
                   ) -> AsyncIterator[list[DumpEntry]]:
    batch: list[DumpEntry] = [DumpEntry(kind="meta", record={"key": "origin", "value": origin})]
    for entry in entries:
        batch.append(entry)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def migrate(workspace: Path, store: Store | None, *, scratch_dir: Path | None,
                  force: bool = False, stream: TextIO | None = None) -> MigrationReport:
    """Migrate `workspace/db.ldb` into `store`; with `store=None`, a dry run that reads and
    checks everything and writes nothing. Raises LegacyDatabaseError (unreadable old database),
    StoreNotEmptyError (refused), DumpFormatError (records clash); the store is then unchanged."""
    import plyvel

    source = old_database(workspace)
    if not source.is_dir():
        raise LegacyDatabaseError(f"there is no pixano-app database in {workspace} "
                                  f"({OLD_DATABASE} not found)")
    if store is not None:
        await refuse_unless_empty(store, force, "migrating")
    started = time.monotonic()
    db, scratch = open_copy(source, scratch_dir)
    reader = LegacyReader(db, hash_password_blocking)
    report = MigrationReport(read=reader.report, dry_run=store is None)
    try:
        progress = Progress("migrating db.ldb", reader.count_keys(), stream=stream)
        try:
            origin = {"source": "pixano-app", "path": str(source.resolve()),
                      "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            if store is None:
                for _ in reader.entries():
                    progress.advance()
            else:
                report.loaded = await store.load(_batches(reader.entries(), origin),
                                                 progress.advance)
        finally:
            progress.close()
    except plyvel.Error as exc:
        raise LegacyDatabaseError(f"cannot read the old database {source}: {exc}; "
                                  "nothing was changed") from exc
    finally:
        db.close()
        shutil.rmtree(scratch, ignore_errors=True)
    report.elapsed = time.monotonic() - started
    return report

"""Ingest: scan a folder, thumbnail its images on every core, write the items in batches.

The event loop never blocks: the scan runs in a thread, thumbnails in a process pool reached
through `loop.run_in_executor`, and the store writes are async. Memory stays flat: only the chunks
in flight and one write batch are held, never the whole dataset's thumbnails.

The process pool is started once per server process and kept (`THUMBNAIL_POOL`), so only the
first large ingest pays for starting it (0.3–4 s on the shared 2-core machine: the forkserver,
Pillow's import, one fork per core) — or none does, when `serve` warms it up in the background at
start-up. While it is not running, an ingest of fewer than `pool_threshold` images makes its
thumbnails in one thread instead: a small thumbnail costs ~1.6 ms there, so starting the pool
would cost more than it saves (threads do not help: at this size the work is mostly Python
holding the GIL; measured 2 threads 420/s vs 1 thread 500–620/s).
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import AsyncGenerator, AsyncIterator
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import ApiError, ErrorCode
from resolvers.datasets.ids import new_id, unique_ids
from resolvers.datasets.orphans import die_with_parent
from resolvers.datasets.scan import ScannedItem, scan
from resolvers.datasets.thumbnails import make_thumbnails
from resolvers.progress import Progress
from store import Store
from store.records import DataRecord, DatasetRecord

log = logging.getLogger("pixano_graph.datasets")


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class IngestOptions:
    """Knobs of an ingest; the defaults are the fast path, the bench also runs the baseline."""

    workers: int | None = None  # processes for thumbnails; None = every core; 0 = one thread
    fast: bool = True  # JPEG draft decoding + reducing_gap (False: full decode, the baseline)
    chunk: int = 32  # images per task sent to a worker
    batch: int = 500  # items per store write
    pool_threshold: int = 400  # fewer images and no pool running yet: one thread, no start-up
    progress_threshold: int = 200  # more items: a progress bar on the server console


#: What createDataset uses; bench/ingest.py swaps it for the baseline in its own process.
DEFAULT_OPTIONS = IngestOptions()


@dataclass
class IngestReport:
    dataset: DatasetRecord
    item_count: int
    skipped: list[str] = field(default_factory=list)  # image URLs kept without thumbnail


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from a clean forkserver (not from this threaded server process), with
    Pillow and the thumbnail code preloaded so each start is cheap."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["resolvers.datasets.forkserver_guard",
                                    "resolvers.datasets.thumbnails"])
    # The pool's processes and the forkserver die with the server, even one killed by SIGKILL.
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=die_with_parent)


def _ready() -> bool:
    """A task that does nothing: submitting one per worker starts them all."""
    return True


class ThumbnailPool:
    """The process pool of this server process: started once, kept for every later ingest, and
    replaced when one of its workers died (a broken pool cannot be used again)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._workers = 0
        #: `warm` has started every worker: what bench/ingest.py waits for, to time an ingest
        #: on a server that has finished starting.
        self.ready = False

    @property
    def running(self) -> bool:
        return self._pool is not None

    def get(self, workers: int) -> ProcessPoolExecutor:
        if self._pool is None or self._workers != workers:
            self.discard()
            self._pool, self._workers = _process_pool(workers), workers
        return self._pool

    def discard(self) -> None:
        """Forget a broken pool (its processes are gone or going); the next get starts anew."""
        self.ready = False
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=False, cancel_futures=True)

    async def warm(self, workers: int | None = None) -> None:
        """Start every worker now (in the background of a starting server), so that the first
        ingest does not wait for them. A failure only means ingests will use a thread."""
        count = available_cores() if workers is None else workers
        loop = asyncio.get_running_loop()
        try:
            pool = self.get(count)
            await asyncio.gather(*(loop.run_in_executor(pool, _ready) for _ in range(count)))
            self.ready = self._pool is pool
        except (OSError, NotImplementedError, BrokenProcessPool) as exc:
            log.warning("no thumbnail worker process (%s): ingests will use a thread", exc)
            self.discard()

    async def close(self) -> None:
        self.ready = False
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: pool.shutdown(wait=True, cancel_futures=True))


#: This process's pool (a server process, or one worker of `serve --workers N`).
THUMBNAIL_POOL = ThumbnailPool()


async def ingest(store: Store, workspace_real: Path, dataset_path: str, data_type: str,
                 options: IngestOptions | None = None) -> IngestReport:
    """Create the dataset `dataset_path` (normalised) of `data_type` with all its items.

    Raises ApiError (BAD_USER_INPUT) from the scan, DuplicateKeyError when the same (path, type)
    was created meanwhile; either way nothing of this attempt stays in the store.
    """
    options = options or DEFAULT_OPTIONS
    loop = asyncio.get_running_loop()
    scanned = await loop.run_in_executor(None, scan, workspace_real, dataset_path, data_type)
    dataset: DatasetRecord = {"id": new_id(), "path": dataset_path, "data_type": data_type}
    report = IngestReport(dataset=dataset, item_count=0)
    batches = _batches(dataset, scanned, options, report)
    progress = (Progress(f"dataset {dataset_path} ({data_type})", len(scanned))
                if len(scanned) >= options.progress_threshold else None)
    try:
        report.item_count = await store.create_dataset(dataset, _progressing(batches, progress))
    finally:
        await batches.aclose()  # stops the pool even when the store gave up mid-way
        if progress is not None:
            progress.close()
    return report


async def _progressing(batches: AsyncIterator[list[DataRecord]],
                       progress: Progress | None) -> AsyncIterator[list[DataRecord]]:
    async for batch in batches:
        if progress is not None:
            progress.advance(len(batch))
        yield batch


def _record(dataset: DatasetRecord, item: ScannedItem, item_id: str, order: int) -> DataRecord:
    return {"id": item_id, "dataset_id": dataset["id"], "type": dataset["data_type"],
            "path": item.path, "children": item.children, "order": order}


async def _batches(dataset: DatasetRecord, scanned: list[ScannedItem], options: IngestOptions,
                   report: IngestReport) -> AsyncGenerator[list[DataRecord], None]:
    """Records are built as they are written, so a written batch (thumbnails included) is freed."""
    ids = unique_ids(len(scanned))
    if dataset["data_type"] != "image":
        for start in range(0, len(scanned), options.batch):
            yield [_record(dataset, scanned[n], ids[n], n)
                   for n in range(start, min(start + options.batch, len(scanned)))]
        return
    async for batch in _thumbnailed(dataset, scanned, ids, options, report):
        yield batch


async def _thumbnailed(dataset: DatasetRecord, scanned: list[ScannedItem], ids: list[str],
                       options: IngestOptions, report: IngestReport) -> AsyncIterator[list[DataRecord]]:
    """Image records with their thumbnails, in write batches, as chunks come back from workers."""
    loop = asyncio.get_running_loop()
    workers = available_cores() if options.workers is None else options.workers
    pool: Executor | None = None
    if workers > 0 and (THUMBNAIL_POOL.running or len(scanned) >= options.pool_threshold):
        try:
            pool = THUMBNAIL_POOL.get(workers)
        except (OSError, NotImplementedError) as exc:
            log.warning("no thumbnail worker process (%s): using a thread", exc)
    in_flight_limit = max(1, 2 * workers)  # keeps every worker busy, bounds memory
    starts = iter(range(0, len(scanned), options.chunk))
    pending: dict[asyncio.Future, int] = {}
    ready: list[DataRecord] = []

    def submit() -> None:
        nonlocal pool
        for start in starts:
            files = [item.image or "" for item in scanned[start:start + options.chunk]]
            try:
                future = loop.run_in_executor(pool, make_thumbnails, files, options.fast)
            except (OSError, NotImplementedError, BrokenProcessPool) as exc:
                if pool is None:
                    raise
                # No worker process could start (no /dev/shm, process limits): use a thread.
                log.warning("no thumbnail worker process (%s): using a thread", exc)
                THUMBNAIL_POOL.discard()
                pool = None
                future = loop.run_in_executor(None, make_thumbnails, files, options.fast)
            pending[future] = start
            if len(pending) >= in_flight_limit:
                return

    try:
        submit()
        while pending:
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for future in done:
                start = pending.pop(future)
                try:
                    thumbnails = future.result()
                except BrokenProcessPool as exc:
                    THUMBNAIL_POOL.discard()
                    raise ApiError(
                        ErrorCode.BAD_USER_INPUT,
                        "a thumbnail worker died (out of memory, or an image that crashes the "
                        f"decoder among {scanned[start].key} and the next {options.chunk - 1} "
                        "files); nothing was stored", field="path") from exc
                for offset, (thumbnail, error) in enumerate(thumbnails):
                    n = start + offset
                    record = _record(dataset, scanned[n], ids[n], n)
                    if thumbnail is None:
                        log.warning("cannot thumbnail %s (%s): kept without thumbnail",
                                    record["path"], error)
                        report.skipped.append(record["path"])  # type: ignore[arg-type]
                    else:
                        record["thumbnail"] = thumbnail
                    ready.append(record)
            submit()
            if len(ready) >= options.batch:
                batch, ready = ready, []
                yield batch
        if ready:
            yield ready
    finally:
        for future in pending:  # the kept pool stays; only this ingest's chunks are dropped
            future.cancel()
    report.skipped.sort()

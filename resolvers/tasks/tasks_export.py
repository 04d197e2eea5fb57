"""`exportTasks` (admins), also run by `pixano-graph export`: every task written into a folder of
the workspace in the Pixano JSON layout (`pixano_json.py`).

Each task is read page by page in data order (results with their data items, then their labels in
one round trip) and written into a hidden staging folder, which then replaces the task's folder of
a previous export in one rename: an export that fails leaves each task's files either as they were
or complete, never half-written. Tasks are read while annotators may be working: each page is
consistent, the whole export is not a snapshot of one instant (that is what a store snapshot is).
"""
from __future__ import annotations

import asyncio
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.tasks.transfer_types import ExportTasksInput, ExportTasksPayload
from graph.tasks.types import Task
from resolvers.progress import reporting
from resolvers.tasks.pixano_json import (JSON_SUFFIX, FileNames, item_document, item_stem,
                                         task_document)
from resolvers.tasks.task_create import PROGRESS_FROM
from resolvers.tasks.transfer_files import (Folder, check_targets, publish, staging_folder,
                                            transfer_folder, unwritable, write_json)
from store import Store
from store.records import TaskRecord
from store.repositories.workflow_listing import ResultFilter, ResultSort
from store.repositories.workflow_types import ProgressCallback

log = logging.getLogger("pixano_graph")

#: Items read (and files written) per round trip.
PAGE = 500


@dataclass(frozen=True)
class ExportReport:
    path: str  # the folder, relative to the workspace
    tasks: list[TaskRecord]
    item_count: int


async def run_export(ctx: Any, path: str, show_progress: bool | None = None) -> ExportReport:
    """Export every task into `path`. `ctx` gives the store and the settings (a request's
    context, or the CLI's); `show_progress` None draws a bar for large exports only."""
    workspace_real = Path(os.path.realpath(ctx.settings.workspace))
    folder = transfer_folder(workspace_real, path)
    store: Store = ctx.store
    tasks = await store.list_tasks()
    names = FileNames()
    stems = [names.take(task["name"]) for task in tasks]
    await asyncio.to_thread(check_targets, folder, stems)
    counts = await store.get_status_counts([task["name"] for task in tasks])
    total = sum(count["total"] for count in counts if count)
    show = total >= PROGRESS_FROM if show_progress is None else show_progress
    written = 0
    try:
        await asyncio.to_thread(folder.real.mkdir, parents=True, exist_ok=True)
        with reporting(f"export to {folder.relative}", total, show) as advance:
            for task, stem in zip(tasks, stems, strict=False):
                written += await _export_task(store, task, folder, stem, advance)
    except OSError as exc:
        raise unwritable(folder, exc) from exc
    return ExportReport(folder.relative, tasks, written)


async def _export_task(store: Store, task: TaskRecord, folder: Folder, stem: str,
                       advance: ProgressCallback) -> int:
    spec = await store.get_spec(task["spec_id"])
    dataset = await store.get_dataset(task["dataset_id"])
    if spec is None or dataset is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"the spec or dataset of task {task['name']!r} is "
                       "missing: it cannot be exported")
    staging = await asyncio.to_thread(staging_folder, folder, stem)
    names, written, after = FileNames(), 0, None
    try:
        while True:
            page = await store.list_results(task["name"], ResultFilter(), ResultSort.DATA, PAGE,
                                            after=after, with_data=True)
            labels = await store.get_labels_many(task["name"],
                                                 [s["data_id"] for s in page.items])
            files = []
            for state, label in zip(page.items, labels, strict=False):
                data = page.data.get(state["data_id"])
                if data is None:
                    log.warning("task %s: data item %s is missing, not exported", task["name"],
                                state["data_id"])
                    continue
                stem_of_item = item_stem(data, dataset["path"])
                name = names.take(stem_of_item, stem_of_item + _extension(data))
                files.append((staging / f"{name}{JSON_SUFFIX}",
                              item_document(state, data, label["annotations"] if label else [])))
            await asyncio.to_thread(_write_all, files)
            written += len(files)
            advance(len(page.items))
            if not page.has_next:
                break
            after = page.end_cursor
        await asyncio.to_thread(publish, folder, stem, staging,
                                task_document(task["name"], spec, dataset))
    except BaseException:
        await asyncio.to_thread(shutil.rmtree, staging, True)
        raise
    return written


def _extension(data: Any) -> str:
    """The second choice of name when two items would share one: keep the extension."""
    first = data["path"][0] if isinstance(data["path"], list) else data["path"]
    return os.path.splitext(first)[1].replace("/", "")


def _write_all(files: list[tuple[Path, Any]]) -> None:
    for path, document in files:
        write_json(path, document)


async def export_tasks(
        info: strawberry.Info,
        input: Annotated[ExportTasksInput, strawberry.argument(
            description="Where to write the tasks, in the workspace.")],
) -> ExportTasksPayload:
    report = await run_export(info.context, input.path)
    return ExportTasksPayload(path=report.path, item_count=report.item_count,
                              tasks=[Task.from_record(task) for task in report.tasks])

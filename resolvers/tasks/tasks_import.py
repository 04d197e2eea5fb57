"""`importTasks` (admins), also run by `pixano-graph import`: the tasks of a folder in the Pixano
JSON layout (`pixano_json.py`) created with their items' labels, statuses and workers.

All or nothing: every task file is read and checked before anything is written; then, task by
task, the dataset is found or scanned (as task creation does), every annotation file is matched to
its data item by path, the spec found or created, and the task created with its items in their
states in one store write (`create_task` with seeds), under its name or, when that is taken,
`name-1`, `name-2` … If any file is wrong (unknown data path, bad JSON, bad status) the import
stops with BAD_USER_INPUT naming the file, and what it had created (tasks, and the datasets and
specs no task uses) is removed again.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.tasks.transfer_types import ImportTasksInput, ImportTasksPayload, TaskRename
from graph.tasks.types import Task
from resolvers.datasets.dataset_create import ensure_dataset
from resolvers.datasets.ids import new_id
from resolvers.progress import reporting
from resolvers.specs.validation import check_label_schema, check_plugin_name, spec_record
from resolvers.tasks.pixano_json import (TaskFile, bad_file, data_key, read_item_file,
                                         read_task_file)
from resolvers.tasks.task_create import PROGRESS_FROM
from resolvers.tasks.transfer_files import (Folder, TaskFiles, existing_folder, list_import,
                                            read_json)
from resolvers.tasks.validation import MAX_NAME, check_task_name
from store import DuplicateKeyError, Store
from store.records import TaskRecord
from store.repositories.workflow_types import ItemSeed, ProgressCallback

log = logging.getLogger("pixano_graph")

#: Annotation files read per trip to a worker thread.
READ_CHUNK = 200
#: Data items read per round trip when matching paths.
DATA_PAGE = 2000


@dataclass(frozen=True)
class ImportReport:
    path: str  # the folder, relative to the workspace
    tasks: list[TaskRecord]
    renamed: list[tuple[str, str]]  # (name in the file, name given)
    item_count: int


@dataclass
class _Created:
    """What this import created, to remove again if it fails."""

    tasks: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    specs: list[str] = field(default_factory=list)

    async def undo(self, store: Store) -> None:
        for name in self.tasks:
            await store.delete_task(name)
        for dataset_id in self.datasets:
            await store.delete_dataset(dataset_id)  # refused (kept) if another task uses it
        for spec_id in self.specs:
            await store.delete_spec(spec_id)


async def run_import(ctx: Any, path: str, show_progress: bool | None = None) -> ImportReport:
    """Import the tasks of `path`. `ctx` gives the store, the settings and the clock (a
    request's context, or the CLI's); `show_progress` None draws bars for large imports only."""
    workspace_real = Path(os.path.realpath(ctx.settings.workspace))
    folder = existing_folder(workspace_real, path)
    listing = await asyncio.to_thread(list_import, folder)
    if not listing:
        raise ApiError(ErrorCode.BAD_USER_INPUT, f"path {path!r}: no task file (<task>.json) "
                       "to import in this folder", field="path")
    task_files = []
    for entry in listing:
        document = await asyncio.to_thread(read_json, folder, entry.file)
        task_files.append(read_task_file(document, folder.show(entry.file), entry.stem))
    for task_file in task_files:
        _check_spec(task_file)
    total = sum(len(entry.items) for entry in listing)
    show = total >= PROGRESS_FROM if show_progress is None else show_progress
    created = _Created()
    tasks: list[TaskRecord] = []
    renamed: list[tuple[str, str]] = []
    try:
        with reporting(f"import from {folder.relative}", total, show) as advance:
            for task_file, entry in zip(task_files, listing, strict=False):
                task = await _import_task(ctx, folder, task_file, entry, created, advance, show)
                tasks.append(task)
                if task["name"] != task_file.name:
                    renamed.append((task_file.name, task["name"]))
    except BaseException:
        try:
            await created.undo(ctx.store)
        except Exception:  # the first failure is the one to report; this one is logged
            log.exception("import of %s: could not remove what it had created %s",
                          folder.relative, created)
        raise
    return ImportReport(folder.relative, tasks, renamed, total)


def _check_spec(task_file: TaskFile) -> None:
    """The task's name and spec, checked before anything is written (the data type was)."""
    check_task_name_in(task_file, task_file.name)
    try:
        check_plugin_name(task_file.plugin_name)
        check_label_schema(task_file.label_schema)
    except ApiError as exc:
        raise bad_file(task_file.file, exc.message) from exc


def check_task_name_in(task_file: TaskFile, name: str) -> str:
    try:
        return check_task_name(name)
    except ApiError as exc:
        raise bad_file(task_file.file, exc.message) from exc


async def _import_task(ctx: Any, folder: Folder, task_file: TaskFile, entry: TaskFiles,
                       created: _Created, advance: ProgressCallback, show: bool) -> TaskRecord:
    store: Store = ctx.store
    try:
        creation = await ensure_dataset(ctx, task_file.dataset_path, task_file.data_type)
    except ApiError as exc:
        raise bad_file(task_file.file, exc.message) from exc
    dataset = creation.dataset
    if creation.created:
        created.datasets.append(dataset["id"])
    data_ids, by_path = await _items_by_path(store, dataset["id"])
    seeds = await _read_seeds(folder, task_file, entry.items, by_path, advance)
    spec, spec_created = await store.get_or_create_spec(spec_record(
        new_id(), task_file.plugin_name, task_file.data_type, task_file.label_schema,
        task_file.settings))
    if spec_created:
        created.specs.append(spec["id"])
    for number in itertools.count():
        suffix = f"-{number}" if number else ""
        name = task_file.name[:MAX_NAME - len(suffix)] + suffix  # a long name is cut to fit
        check_task_name_in(task_file, name)
        record = TaskRecord(name=name, spec_id=spec["id"], dataset_id=dataset["id"])
        try:
            # The store refuses a taken name before writing anything (and before any progress).
            with reporting(f"task {name}: creating items", len(data_ids),
                           show and len(data_ids) >= PROGRESS_FROM) as created_items:
                await store.create_task(record, data_ids, ctx.now(), progress=created_items,
                                        seeds=seeds)
        except DuplicateKeyError:
            continue  # taken (maybe just now, by a concurrent import): try the next name
        created.tasks.append(name)
        return record
    raise AssertionError("unreachable")


async def _items_by_path(store: Store, dataset_id: str) -> tuple[list[str], dict[str, str]]:
    """The dataset's data ids in data order, and each item's id by its path key."""
    data_ids: list[str] = []
    by_path: dict[str, str] = {}
    after = None
    while True:
        page = await store.list_data_items(dataset_id, DATA_PAGE, after)
        for item in page.items:
            data_ids.append(item["id"])
            key = data_key(item)
            if key is not None:
                by_path[key] = item["id"]
        if not page.has_next or not page.items:
            return data_ids, by_path
        after = page.items[-1]["order"]


def _read_files(folder: Folder, files: list[Path]) -> list[Any]:
    """The parsed files, in order (run in a thread: one hop per chunk, not per file)."""
    return [read_json(folder, f) for f in files]


async def _read_seeds(folder: Folder, task_file: TaskFile, files: list[Path],
                      by_path: dict[str, str], advance: ProgressCallback) -> dict[str, ItemSeed]:
    seeds: dict[str, ItemSeed] = {}
    seen: dict[str, str] = {}  # data id -> the file that described it
    for start in range(0, len(files), READ_CHUNK):
        chunk = files[start:start + READ_CHUNK]
        documents = await asyncio.to_thread(_read_files, folder, chunk)
        for file, document in zip(chunk, documents, strict=False):
            shown = folder.show(file)
            key, seed = read_item_file(document, shown)
            data_id = by_path.get(key)
            if data_id is None:
                raise bad_file(shown, f"no data item {key!r} in the dataset "
                               f"{task_file.dataset_path!r} ({task_file.data_type}) of task "
                               f"{task_file.name!r}: the import was cancelled and nothing of it "
                               f"was kept. Fix the path, or rename {task_file.file} to start "
                               "with '_' to leave that task out")
            if data_id in seen:
                raise bad_file(shown, f"describes the same data item ({key!r}) as "
                               f"{seen[data_id]}: the import was cancelled and nothing of it "
                               "was kept")
            seen[data_id] = shown
            seeds[data_id] = seed
        advance(len(chunk))
    return seeds


async def import_tasks(
        info: strawberry.Info,
        input: Annotated[ImportTasksInput, strawberry.argument(
            description="Where to read the tasks from, in the workspace.")],
) -> ImportTasksPayload:
    report = await run_import(info.context, input.path)
    return ImportTasksPayload(
        tasks=[Task.from_record(task) for task in report.tasks],
        renamed=[TaskRename(requested=old, name=new) for old, new in report.renamed],
        item_count=report.item_count)

"""`createTask` (admins): get-or-create the dataset and the spec, then one result (with its first
job, to_annotate) and empty labels per data item, in data order.

Everything that can be refused is checked before anything is written: the name, the data type,
the spec's content, the dataset path; the dataset is then found or scanned (a folder without
data is refused before any spec exists), the spec found or created, and the task written by the
store all or nothing.
"""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode, InputErrors
from graph.tasks.types import CreateTaskInput, CreateTaskPayload, Task
from resolvers.datasets.dataset_create import get_or_create_dataset, normalise_path
from resolvers.progress import Progress
from resolvers.specs.spec_create import get_or_create_spec
from resolvers.specs.validation import check_label_schema, check_plugin_name
from resolvers.tasks.validation import check_task_name
from store import DuplicateKeyError
from store.records import TaskRecord

#: From this many items on, task creation draws a progress bar on the server's console.
PROGRESS_FROM = 1000


async def create_task(
        info: strawberry.Info,
        input: Annotated[CreateTaskInput, strawberry.argument(
            description="The task's name, dataset and spec.")],
) -> CreateTaskPayload:
    ctx = info.context
    name = input.name
    data_type = input.spec.data_type.value
    problems = InputErrors()  # every bad field at once
    with problems.check():
        check_task_name(name)
    if input.dataset.data_type is not None and input.dataset.data_type.value != data_type:
        problems.fields.append({
            "field": "dataset.dataType",
            "message": f"the dataset's data type ({input.dataset.data_type.value}) must be the "
                       f"spec's ({data_type}): omit it, it defaults to the spec's"})
    with problems.check("spec."):
        check_plugin_name(input.spec.plugin_name)
    with problems.check("spec."):
        check_label_schema(input.spec.label_schema)
    with problems.check("dataset."):
        normalise_path(input.dataset.path)
    problems.raise_if_any()
    if await ctx.store.get_task(name) is not None:
        raise _exists(name)
    dataset, _ = await get_or_create_dataset(ctx, input.dataset.path, data_type)
    spec = await get_or_create_spec(ctx, input.spec.plugin_name, data_type,
                                    input.spec.label_schema, input.spec.settings)
    data_ids = await ctx.store.list_data_ids(dataset["id"])
    record = TaskRecord(name=name, spec_id=spec["id"], dataset_id=dataset["id"])
    try:
        if len(data_ids) >= PROGRESS_FROM:
            with Progress(f"task {name}: creating jobs", len(data_ids)) as bar:
                await ctx.store.create_task(record, data_ids, ctx.now(), progress=bar.advance)
        else:
            await ctx.store.create_task(record, data_ids, ctx.now())
    except DuplicateKeyError as exc:
        raise _exists(name) from exc
    return CreateTaskPayload(task=Task.from_record(record))


def _exists(name: str) -> ApiError:
    return ApiError(ErrorCode.CONFLICT, f"a task named {name!r} already exists: choose another "
                    "name, or delete it first", field="name")

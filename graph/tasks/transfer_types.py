"""GraphQL types of task export and import (the Pixano JSON layout, see docs/import-export.md)."""
from __future__ import annotations

import strawberry

from graph.tasks.types import Task

PATH_DESCRIPTION = ("A folder relative to the workspace, e.g. 'exports/2026-12-01'. It may not be "
                    "the workspace itself, leave it (no '..', absolute path or symlink out) or "
                    "enter '.pixano/'.")


@strawberry.input(description="Where to write the export of every task.")
class ExportTasksInput:
    path: str = strawberry.field(description=PATH_DESCRIPTION + " Created when missing.")


@strawberry.type(description="What an export wrote.")
class ExportTasksPayload:
    path: str = strawberry.field(description="The folder written, relative to the workspace.")
    tasks: list[Task] = strawberry.field(description="The tasks exported, by name.")
    item_count: int = strawberry.field(description="Annotation files written (one per item).")


@strawberry.input(description="Where to read the tasks to import from.")
class ImportTasksInput:
    path: str = strawberry.field(description=PATH_DESCRIPTION)


@strawberry.type(description="A task imported under another name, its own being taken.")
class TaskRename:
    requested: str = strawberry.field(description="The name in the task file.")
    name: str = strawberry.field(description="The name it was created under ('name-1', …).")


@strawberry.type(description="What an import created.")
class ImportTasksPayload:
    tasks: list[Task] = strawberry.field(description="The tasks created, in task file order.")
    renamed: list[TaskRename] = strawberry.field(
        description="Tasks whose name was taken, and the name each got instead.")
    item_count: int = strawberry.field(description="Annotation files applied to items.")

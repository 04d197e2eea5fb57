"""Task fields: reads for any logged-in user, writes for admins."""
from __future__ import annotations

import strawberry

from graph.pagination import Connection
from graph.permissions import IsAdmin, IsAuthenticated
from graph.tasks.transfer_types import ExportTasksPayload, ImportTasksPayload
from graph.tasks.types import CreateTaskPayload, DeleteTaskPayload, Task, UpdateTaskPayload
from resolvers.tasks import queries, task_create, task_delete, task_update, tasks_export, tasks_import


@strawberry.type
class TaskQuery:
    tasks: Connection[Task] = strawberry.field(resolver=queries.tasks,
                                         permission_classes=[IsAuthenticated],
                                         description="Every task, by name.")
    task: Task | None = strawberry.field(
        resolver=queries.task, permission_classes=[IsAuthenticated],
        description="One task by name; null (with a NOT_FOUND error) if unknown.")


@strawberry.type
class TaskMutation:
    create_task: CreateTaskPayload = strawberry.mutation(
        resolver=task_create.create_task, permission_classes=[IsAdmin],
        description="Create a task: finds or creates its spec and dataset, then one job, one "
                    "result and empty labels per data item. CONFLICT if the name is taken. "
                    "Admins only.")
    update_task: UpdateTaskPayload = strawberry.mutation(
        resolver=task_update.update_task, permission_classes=[IsAdmin],
        description="Change the label schema and/or settings of the task's spec (a spec shared "
                    "with other tasks is not changed: this task moves to its own). Admins only.")
    delete_task: DeleteTaskPayload = strawberry.mutation(
        resolver=task_delete.delete_task, permission_classes=[IsAdmin],
        description="Delete a task with its jobs, results, labels, label statistics and users' "
                    "assignments in it (its dataset and spec stay). Admins only.")
    export_tasks: ExportTasksPayload = strawberry.mutation(
        resolver=tasks_export.export_tasks, permission_classes=[IsAdmin],
        description="Write every task into a folder of the workspace in the Pixano JSON layout: "
                    "<task>.json and <task>/<item>.json with each item's labels, status and "
                    "workers. A task's folder of a previous export there is replaced; anything "
                    "else is never overwritten (CONFLICT). Admins only.")
    import_tasks: ImportTasksPayload = strawberry.mutation(
        resolver=tasks_import.import_tasks, permission_classes=[IsAdmin],
        description="Create the tasks of a folder in the Pixano JSON layout with their items' "
                    "labels, statuses and workers (datasets and specs found or created as by "
                    "createTask; a taken name becomes name-1, name-2 …). All or nothing: a wrong "
                    "file (e.g. naming an unknown data path) is BAD_USER_INPUT naming it, and "
                    "nothing of the import stays. Admins only.")

"""Task fields: reads for any logged-in user, writes for admins."""
from __future__ import annotations

import strawberry

from graph.permissions import IsAdmin, IsAuthenticated
from graph.tasks.types import Task
from resolvers.tasks import queries, task_create, task_delete, task_update


@strawberry.type
class TaskQuery:
    tasks: list[Task] = strawberry.field(resolver=queries.tasks,
                                         permission_classes=[IsAuthenticated],
                                         description="Every task, by name.")
    task: Task = strawberry.field(resolver=queries.task, permission_classes=[IsAuthenticated],
                                  description="One task (NOT_FOUND if unknown).")


@strawberry.type
class TaskMutation:
    create_task: Task = strawberry.mutation(
        resolver=task_create.create_task, permission_classes=[IsAdmin],
        description="Create a task: finds or creates its spec and dataset, then one job, one "
                    "result and empty labels per data item. CONFLICT if the name is taken. "
                    "Admins only.")
    update_task: Task = strawberry.mutation(
        resolver=task_update.update_task, permission_classes=[IsAdmin],
        description="Change the label schema and/or settings of the task's spec (a spec shared "
                    "with other tasks is not changed: this task moves to its own). Admins only.")
    delete_task: bool = strawberry.mutation(
        resolver=task_delete.delete_task, permission_classes=[IsAdmin],
        description="Delete a task with its jobs, results, labels, label statistics and users' "
                    "assignments in it (its dataset and spec stay). Admins only.")

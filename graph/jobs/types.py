"""GraphQL types of jobs (DbJob plus the item's annotator and validator, and comments)."""
from __future__ import annotations

import strawberry

from graph.enums import LabellingStatus, Objective
from graph.node import Node
from graph.scalars import JSON
from store.repositories.workflow_types import JobView


@strawberry.type(description="One elementary piece of work on a data item, with an immutable "
                             "objective. `startAt` is null while it is not running.")
class Job(Node):
    job_id: strawberry.ID = strawberry.field(description="The job's id within its task (natural "
                                                         "key, with taskName).")
    task_name: str
    data_id: strawberry.ID
    objective: Objective
    assigned_to: str | None = strawberry.field(
        description="Who holds it, or last held it; null when nobody ever did.")
    start_at: float | None = strawberry.field(
        description="Unix time of the latest start; null when the job is not running "
                    "(interrupted, or ended).")
    duration: float = strawberry.field(description="Seconds worked on it so far.")
    last_update_at: float = strawberry.field(description="Unix time of its last save or update; "
                                                         "a hold older than the lease is free.")
    comments: JSON | None = strawberry.field(
        description="Comments left on the job; a rejected item's correction job carries the "
                    "validator's comments.")
    annotator: str | None = strawberry.field(
        description="The item's last annotator; null if none yet.")
    validator: str | None = strawberry.field(
        description="The item's last validator; null if none yet.")

    @classmethod
    def from_record(cls, job: JobView) -> "Job":
        return cls(job_id=strawberry.ID(job["id"]), task_name=job["task_name"],
                   data_id=strawberry.ID(job["data_id"]), objective=Objective(job["objective"]),
                   assigned_to=job["assigned_to"] or None, start_at=job["start_at"] or None,
                   duration=job["duration"], last_update_at=job["last_update_at"],
                   comments=job.get("comments"), annotator=job["annotator"] or None,
                   validator=job["validator"] or None)

    def node_key(self) -> tuple[str, ...]:
        return (self.task_name, str(self.job_id))


@strawberry.input(description="What happened to a job. A status ends it (the item's new "
                              "status); `interrupt` pauses it (the page was left); neither is a "
                              "save heartbeat that refreshes the lease.")
class UpdateJobInput:
    status: LabellingStatus | None = None
    interrupt: bool | None = None
    comments: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Kept on the job; omitted: unchanged.")

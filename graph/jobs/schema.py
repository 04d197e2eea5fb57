"""Job fields: any logged-in user works on jobs; batches are for admins."""
from __future__ import annotations

import strawberry

from graph.jobs.types import Job
from graph.permissions import IsAdmin, IsAuthenticated
from resolvers.jobs import job_next, job_update, jobs_update, queries


@strawberry.type
class JobQuery:
    job: Job | None = strawberry.field(
        resolver=queries.job, permission_classes=[IsAuthenticated],
        description="A current or finished job of a task; null (with a NOT_FOUND error) if "
                    "unknown.")


@strawberry.type
class JobMutation:
    next_job: Job | None = strawberry.mutation(
        resolver=job_next.next_job, permission_classes=[IsAuthenticated],
        description="Take your next job for an objective (to_annotate also serves corrections, "
                    "first): the one you hold, else a correction queued for you, else the first "
                    "free item in data order, else an item queued for someone else. Null when "
                    "there is nothing to do. Two users never get the same item.")
    update_job: bool = strawberry.mutation(
        resolver=job_update.update_job, permission_classes=[IsAuthenticated],
        description="Your job: a status ends it (the item's new status; to_correct goes back to "
                    "its annotator with the comments); interrupt pauses it; neither is a save "
                    "heartbeat. JOB_DENIED when it is not, or no longer, your running job.")
    update_jobs: int = strawberry.mutation(
        resolver=jobs_update.update_jobs, permission_classes=[IsAdmin],
        description="Give the items of these current jobs a new job with `objective` (none for "
                    "done/discard), releasing holds and queues; without objective, only "
                    "unassign them. Returns how many items changed. Admins only.")

"""Job fields: any logged-in user works on jobs; batches are for admins.

The job loop is one request per step: `nextJob` (its Job links the task, spec, data item, result
and labels), `saveLabels` while working, then `submitJob` with the labels and `nextJob: true`.
"""
from __future__ import annotations

import strawberry

from graph.jobs.types import (InterruptJobPayload, Job, NextJobPayload, SubmitJobPayload,
                              TouchJobPayload, UpdateJobsPayload)
from graph.permissions import IsAdmin, IsAuthenticated
from resolvers.jobs import (job_interrupt, job_next, job_submit, job_touch, jobs_update,
                            queries)


@strawberry.type
class JobQuery:
    job: Job | None = strawberry.field(
        resolver=queries.job, permission_classes=[IsAuthenticated],
        description="A current or finished job of a task; null (with a NOT_FOUND error) if "
                    "unknown.")


@strawberry.type
class JobMutation:
    next_job: NextJobPayload = strawberry.mutation(
        resolver=job_next.next_job, permission_classes=[IsAuthenticated],
        description="Take your next job: the one you hold, else (annotating) a correction "
                    "queued for you, else the first free item in data order, else an item "
                    "queued for someone else. `job` is null when there is nothing to do. Two "
                    "users never get the same item.")
    touch_job: TouchJobPayload = strawberry.mutation(
        resolver=job_touch.touch_job, permission_classes=[IsAuthenticated],
        description="Heartbeat: refresh the lease of your running job. JOB_DENIED when it is "
                    "not, or no longer, your running job.")
    interrupt_job: InterruptJobPayload = strawberry.mutation(
        resolver=job_interrupt.interrupt_job, permission_classes=[IsAuthenticated],
        description="Pause your running job (time is banked; nextJob resumes it). JOB_DENIED "
                    "when it is not, or no longer, your running job.")
    submit_job: SubmitJobPayload = strawberry.mutation(
        resolver=job_submit.submit_job, permission_classes=[IsAuthenticated],
        description="End your running job with the item's new status (to_correct goes back to "
                    "its annotator with the comments), saving the labels given in the same "
                    "write, and take your next job if asked. JOB_DENIED when it is not, or no "
                    "longer, your running job.")
    update_jobs: UpdateJobsPayload = strawberry.mutation(
        resolver=jobs_update.update_jobs, permission_classes=[IsAdmin],
        description="Give the items of these current jobs a new job with `objective` (none for "
                    "done/discard), releasing holds and queues; without objective, only "
                    "unassign them. Admins only.")

"""`submitJob`: end the caller's running job with the item's new status, its labels in the same
write, and (if asked) take the next job: the annotator's whole step in one request."""
from __future__ import annotations

from typing import Annotated

import strawberry

from graph.jobs.types import Job, SubmitJobInput, SubmitJobPayload
from graph.results.types import Result
from graph.tasks.loaders import task_loader
from resolvers.jobs.job_next import claim
from resolvers.jobs.job_update import change_job, given
from store.repositories.workflow import KEEP
from store.repositories.workflow_types import JobAction


async def submit_job(
        info: strawberry.Info,
        input: Annotated[SubmitJobInput, strawberry.argument(
            description="The job, the item's new status, and optionally labels, comments and "
                        "a request for the next job.")],
) -> SubmitJobPayload:
    outcome = await change_job(info, input.job_id, JobAction.END, status=input.status.value,
                               comments=given(input.comments),
                               annotations=KEEP if input.labels is None else input.labels)
    ended = outcome.job
    assert ended is not None
    task_name = ended["task_name"]
    task = await task_loader(info.context).load(task_name)
    state = await info.context.store.get_result(task_name, ended["data_id"])
    result = Result.from_state(state, task["dataset_id"]) if task and state else None
    next_job = None
    if input.next_job:  # the same lane: a correction is annotating
        lane = "to_validate" if ended["objective"] == "to_validate" else "to_annotate"
        next_job = await claim(info, task_name, lane)
    return SubmitJobPayload(job=Job.from_record(ended), result=result, next_job=next_job)

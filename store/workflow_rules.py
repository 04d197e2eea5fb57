"""The job workflow's rules, once, above both engines.

Which item a claim takes (the four rules of "Fetch next job" in priority order), what ending a job
does to its item, and why an update is refused are decided here; an engine only turns each
decision into its own atomic statement (one conditional UPDATE … RETURNING, one
find_one_and_update). A rule change is then one edit, and the engines cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from store.repositories.workflow_types import (
    CLOSED_STATUSES,
    LANE_OF_STATUS,
    JobUpdate,
    JobUpdateOutcome,
    ResultState,
    current_job,
    new_job_id,
)

#: Per lane, the statuses a claim looks at, in priority order (to_correct comes first).
LANE_STATUSES: dict[str, tuple[str, ...]] = {
    "annotate": ("to_correct", "to_annotate"),
    "validate": ("to_validate",),
}


class Queue(str, Enum):
    """Whom a free item waiting in a lane may be queued for, as a claim rule asks."""

    FOR_CLAIMER = "for_claimer"  # queued for the user claiming (a rejection coming back)
    NOBODY = "nobody"  # queued for nobody
    OTHERS = "others"  # queued for another user ("permissive" stealing, the last resort)


@dataclass(frozen=True)
class Pick:
    """One claim rule after "resume": the first free item (in data order) of `status` whose
    queue matches `queue`. Free = nobody holds it, or its holder let the lease run out."""

    status: str
    queue: Queue


def claim_plan(lane: str) -> tuple[Pick, ...]:
    """Rules 2-4 of "Fetch next job", in priority order; rule 1 (resume what the claimer holds
    in this lane) always comes first and is the same in every lane."""
    picks: list[Pick] = []
    if lane == "annotate":
        picks.append(Pick("to_correct", Queue.FOR_CLAIMER))
    picks += [Pick(status, Queue.NOBODY) for status in LANE_STATUSES[lane]]
    if lane == "annotate":
        picks.append(Pick("to_correct", Queue.OTHERS))
    return tuple(picks)


def claimant_field(lane: str) -> str:
    """The result field a claim records its user in: annotator, or validator."""
    return "annotator" if lane == "annotate" else "validator"


@dataclass(frozen=True)
class Ending:
    """What ending the current job of an item with `status` does to the item."""

    status: str
    lane: str
    next_job_id: str  # '' for done/discard: the item leaves the workflow
    queued_for: str  # a rejected item goes back to the annotator who made it
    next_comments: Any  # the validator's comments travel with a rejected item


def follow_up_job_id(status: str) -> str:
    """The id of the new current job of an item entering `status` (after an end, or an admin
    batch); '' once it is done or discarded: the item then leaves the workflow."""
    return "" if status in CLOSED_STATUSES else new_job_id()


def ending(state: ResultState, status: str, comments: Any) -> Ending:
    """The item's next state when its current job ends with `status` and `comments`."""
    rejected = status == "to_correct"
    return Ending(status=status, lane=LANE_OF_STATUS[status],
                  next_job_id=follow_up_job_id(status),
                  queued_for=state["annotator"] if rejected else "",
                  next_comments=comments if rejected else None)


def gone_reason(dropped: bool) -> str:
    """Why a job that left its item cannot be updated any more."""
    if dropped:
        return "this job was replaced by an administrator: fetch a new job"
    return "this job is finished: the item has moved on; fetch a new job"


class JobTrace(str, Enum):
    """Where a job id that is not (or no longer) the caller's running job was found."""

    CURRENT = "current"  # still its item's current job (held by someone else, or paused)
    FINISHED = "finished"  # ended: the item moved on
    DROPPED = "dropped"  # replaced by an administrator's batch
    UNKNOWN = "unknown"  # never a job of this task


@dataclass(frozen=True)
class Denial:
    """Why an update matched nothing, and whether the caller's paused hold is to be released."""

    update: JobUpdate
    release_paused_hold: bool = False


def deny(username: str, trace: JobTrace, state: ResultState | None = None) -> Denial:
    """The answer to a heartbeat, interrupt or end whose conditional update matched nothing.
    `state` is the item's result when the job is still its current one (`trace` CURRENT)."""
    if trace is JobTrace.UNKNOWN:
        return Denial(JobUpdate(JobUpdateOutcome.UNKNOWN))
    if trace is not JobTrace.CURRENT or state is None:
        return Denial(JobUpdate(JobUpdateOutcome.DENIED,
                                reason=gone_reason(trace is JobTrace.DROPPED)))
    if state["holder"] != username:
        holder = f"it is now held by {state['holder']}" if state["holder"] else "nobody holds it"
        return Denial(JobUpdate(JobUpdateOutcome.DENIED, current_job(state),
                                reason=f"this job is no longer assigned to {username} ({holder}); "
                                       "fetch a new job"))
    # Held by the caller but not running: an interrupted job is released, so that a fresh
    # claim resumes it with a running clock.
    return Denial(JobUpdate(JobUpdateOutcome.DENIED, current_job(state),
                            reason="this job was interrupted and is not running: it has been "
                                   "released; fetch a job again to resume work"),
                  release_paused_hold=True)

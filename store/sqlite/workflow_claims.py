"""The job workflow on the embedded engine: claims, heartbeats, interrupts, ends, admin batches.

Every decision two users can race on is one conditional `UPDATE … WHERE <condition> RETURNING`
on one result row; the statements that follow it in the same transaction (history row, counters,
the follow-up job) only act on the row the winning statement returned.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from store.repositories.workflow import KEEP, Assignments, JobRepository, check_unique
from store.repositories.workflow_types import (
    LANE_OF_OBJECTIVE,
    LANE_OF_STATUS,
    BatchOutcome,
    JobAction,
    JobUpdate,
    JobUpdateOutcome,
    JobView,
    ResultState,
    UnknownTaskError,
    current_job,
    dropped_job,
    history_job,
    job_record,
)
from store.workflow_rules import (
    JobTrace,
    Queue,
    claim_plan,
    claimant_field,
    deny,
    ending,
    follow_up_job_id,
)
from store.sqlite.database import SqliteDatabase
from store.sqlite.in_lists import select_in
from store.sqlite.workflow_rows import (
    FREE,
    RESULT_COLUMNS,
    dump_json,
    shift_count,
    to_state,
    write_labels,
)

# -- claims ----------------------------------------------------------------------------------------

#: Rule 1: resume the item U holds in this lane; restart its clock only if it was interrupted.
RESUME = (
    "UPDATE results SET start_at = CASE WHEN start_at > 0 THEN start_at ELSE :now END,"
    " last_update_at = :now"
    " WHERE holder = :u AND task_name = :t AND lane = :lane AND holder != ''"
    f" RETURNING {RESULT_COLUMNS}"
)

#: Rules 2-4 (`store.workflow_rules.claim_plan`) pick one row, by an index seek in data order,
#: and take it in the same statement; the queue condition of each rule:
QUEUE_CONDITION = {
    Queue.FOR_CLAIMER: "queued_for = :u",
    Queue.NOBODY: "queued_for = ''",
    Queue.OTHERS: "queued_for > '' AND queued_for != :u",
}
PICK = ("SELECT rowid FROM results WHERE task_name = :t AND status = :status AND {queue}"
        f" AND {FREE} ORDER BY ord LIMIT 1")
TAKE = (
    "UPDATE results SET holder = :u, queued_for = '', start_at = :now, last_update_at = :now,"
    " {person} = :u WHERE rowid = ({pick}) AND {free} RETURNING " + RESULT_COLUMNS
)

# -- job updates -------------------------------------------------------------------------------

#: The job is the item's current one, held by U, and running.
MINE_AND_RUNNING = (
    "task_name = :t AND current_job_id = :j AND current_job_id != ''"
    " AND holder = :u AND start_at > 0"
)

HEARTBEAT = (
    "UPDATE results SET last_update_at = :now, comments = CASE WHEN :keep THEN comments"
    f" ELSE :comments END WHERE {MINE_AND_RUNNING} RETURNING {RESULT_COLUMNS}"
)
#: Bank the running time on the job and the result and stop the clock (interrupt, or the first
#: half of an end). Returns the rowid so the end can finish the same row.
BANK = (
    "UPDATE results SET job_duration = job_duration + max(:now - start_at, 0),"
    " cumulated_time = cumulated_time + max(:now - start_at, 0), start_at = 0,"
    " last_update_at = :now,"
    " comments = CASE WHEN :keep THEN comments ELSE :comments END"
    f" WHERE {MINE_AND_RUNNING} RETURNING rowid, {RESULT_COLUMNS}"
)
#: Second half of an end, on the row BANK just won: the follow-up job becomes current, and the
#: row remembers who ended the job and when (they may still save its labels for a grace period).
FINISH = (
    "UPDATE results SET status = :status, lane = :lane, ended_by = :by, ended_at = :now,"
    " finished_job_ids = json_insert(finished_job_ids, '$[#]', current_job_id),"
    " current_job_id = :next, holder = '', start_at = 0, job_duration = 0,"
    " queued_for = :queued_for, comments = :next_comments"
    " WHERE rowid = :rowid"
)
#: A denied caller who still holds a job that is not running (interrupted) lets it go.
RELEASE_PAUSED = (
    "UPDATE results SET holder = '', start_at = 0"
    " WHERE task_name = :t AND current_job_id = :j AND current_job_id != '' AND holder = :u"
    " AND start_at = 0"
)


class SqliteClaims(JobRepository):
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def claim_job(self, task_name: str, username: str, objective: str, now: float,
                        lease: float) -> JobView | None:
        lane = LANE_OF_OBJECTIVE[objective]
        params = {"t": task_name, "u": username, "lane": lane, "now": now,
                  "expired": now - lease}

        def claim(c: sqlite3.Connection) -> JobView | None:
            row = c.execute(RESUME, params).fetchone()
            for pick in claim_plan(lane):
                if row is not None:
                    break
                row = c.execute(_take(lane, pick.queue),
                                {**params, "status": pick.status}).fetchone()
            if row is None:
                require_task(c, task_name)
                return None
            return current_job(to_state(row))

        return await self._db.write(claim)

    async def update_job(self, task_name: str, job_id: str, username: str, action: JobAction,
                         now: float, status: str | None = None, comments: Any = KEEP,
                         annotations: Any = KEEP) -> JobUpdate:
        if action is JobAction.END and status is None:
            raise ValueError("ending a job needs the item's new status")
        if annotations is not KEEP and action is not JobAction.END:
            raise ValueError("labels go with a job's end only")
        params = {"t": task_name, "j": job_id, "u": username, "now": now,
                  "keep": comments is KEEP,
                  "comments": None if comments is KEEP else dump_json(comments)}

        def update(c: sqlite3.Connection) -> JobUpdate:
            if action is JobAction.HEARTBEAT:
                row = c.execute(HEARTBEAT, params).fetchone()
                return _updated(row) if row else _denied(c, params)
            banked = c.execute(BANK, params).fetchone()
            if banked is None:
                return _denied(c, params)
            rowid, state = banked[0], to_state(banked[1:])
            if action is JobAction.INTERRUPT:
                return JobUpdate(JobUpdateOutcome.UPDATED, current_job(state))
            assert status is not None  # checked above: an end names the new status
            ended = _finish(c, rowid, state, status, now)
            if annotations is not KEEP:  # same transaction: the labels land with the status
                write_labels(c, task_name, state["data_id"], annotations)
            return ended

        return await self._db.write(update)

    async def get_job(self, task_name: str, job_id: str) -> JobView | None:
        return (await self.get_jobs(task_name, [job_id]))[0]

    async def get_jobs(self, task_name: str, job_ids: Sequence[str]) -> list[JobView | None]:
        def read(c: sqlite3.Connection) -> dict[str, JobView]:
            # Current jobs live on their result; the others are in the history, with the
            # item's annotator and validator joined.
            found: dict[str, JobView] = {}
            for row in select_in(c, f"SELECT {RESULT_COLUMNS} FROM results WHERE task_name = ?"
                                    " AND current_job_id IN ({marks}) AND current_job_id != ''",
                                 (task_name,), job_ids):
                job = current_job(to_state(row))
                if job is not None:
                    found[job["id"]] = job
            for job_id, doc, annotator, validator in select_in(
                    c, "SELECT j.id, j.doc, r.annotator, r.validator FROM jobs j"
                       " JOIN results r ON r.task_name = j.task_name AND r.data_id = j.data_id"
                       " WHERE j.task_name = ? AND j.id IN ({marks})",
                    (task_name,), [j for j in job_ids if j not in found]):
                found[job_id] = history_job(json.loads(doc), annotator=annotator,
                                            validator=validator)
            return found

        found = await self._db.read(read)
        return [found.get(job_id) for job_id in job_ids]

    async def reset_items(self, task_name: str, ids: Sequence[str], *, by_job: bool,
                          status: str | None, now: float) -> BatchOutcome:
        check_unique(ids, "job id" if by_job else "data id")
        column = "current_job_id" if by_job else "data_id"

        def reset(c: sqlite3.Connection) -> BatchOutcome:
            found: list[tuple[int, ResultState]] = []
            unknown: list[str] = []
            for value in ids:
                row = c.execute(f"SELECT rowid, {RESULT_COLUMNS} FROM results WHERE task_name = ?"
                                f" AND {column} = ? AND {column} != ''",
                                (task_name, value)).fetchone()
                if row is None:
                    unknown.append(value)
                else:
                    found.append((row[0], to_state(row[1:])))
            if unknown:
                return BatchOutcome(unknown=unknown)
            for rowid, state in found:
                if status is None:
                    c.execute("UPDATE results SET holder = '', queued_for = '', start_at = 0,"
                              " annotator = '', validator = '', ended_by = '', ended_at = 0"
                              " WHERE rowid = ?", (rowid,))
                    continue
                next_id = follow_up_job_id(status)
                c.execute("UPDATE results SET status = ?, lane = ?, current_job_id = ?,"
                          " holder = '', queued_for = '', start_at = 0, job_duration = 0,"
                          " comments = NULL, last_update_at = ?, ended_by = '', ended_at = 0"
                          " WHERE rowid = ?",
                          (status, LANE_OF_STATUS[status], next_id, now, rowid))
                _record_job(c, dropped_job(state, now))
                shift_count(c, task_name, state["status"], status)
            return BatchOutcome(changed=len(found))

        return await self._db.write(reset)

    async def get_assignments(self, usernames: Sequence[str]) -> list[Assignments]:
        def read(c: sqlite3.Connection) -> dict[str, Assignments]:
            out: dict[str, Assignments] = {u: {"curr_assigned_jobs": {}, "queue": {}}
                                           for u in usernames}
            for holder, task, status, job in select_in(
                    c, "SELECT holder, task_name, status, current_job_id FROM results"
                       " WHERE holder IN ({marks}) AND holder != ''", (), list(out)):
                out[holder]["curr_assigned_jobs"][f"{task}/{status}"] = job
            for queued_for, task, status, job in select_in(
                    c, "SELECT queued_for, task_name, status, current_job_id FROM results"
                       " WHERE queued_for IN ({marks}) AND queued_for != ''"
                       " ORDER BY queued_for, task_name, ord", (), list(out)):
                out[queued_for]["queue"].setdefault(f"{task}/{status}", []).append(job)
            return out

        found = await self._db.read(read)
        return [found[u] for u in usernames]


@lru_cache(maxsize=None)
def _take(lane: str, queue: Queue) -> str:
    """The statement of one claim rule (built once: SQLite caches statements by their text)."""
    pick = PICK.format(queue=QUEUE_CONDITION[queue])
    return TAKE.format(person=claimant_field(lane), pick=pick, free=FREE)


def require_task(c: sqlite3.Connection, task_name: str) -> None:
    """UnknownTaskError unless the task exists: asked only once a conditional update matched
    nothing, so a successful call costs no lookup."""
    if c.execute("SELECT 1 FROM tasks WHERE name = ?", (task_name,)).fetchone() is None:
        raise UnknownTaskError(task_name)


def _updated(row: Sequence[Any]) -> JobUpdate:
    return JobUpdate(JobUpdateOutcome.UPDATED, current_job(to_state(row)))


def _finish(c: sqlite3.Connection, rowid: int, banked: ResultState, status: str,
            now: float) -> JobUpdate:
    """The item leaves the ended job: history row, follow-up job, counters."""
    ended = current_job(banked)
    assert ended is not None
    then = ending(banked, status, banked["comments"])
    c.execute(FINISH, {"status": then.status, "lane": then.lane, "next": then.next_job_id,
                       "queued_for": then.queued_for,
                       "next_comments": None if then.next_comments is None
                       else dump_json(then.next_comments), "rowid": rowid,
                       "by": banked["holder"], "now": now})
    _record_job(c, job_record(ended))
    shift_count(c, banked["task_name"], banked["status"], status)
    return JobUpdate(JobUpdateOutcome.UPDATED, ended, next_job_id=then.next_job_id)


def _record_job(c: sqlite3.Connection, record: dict[str, Any] | None) -> None:
    """Keep a job that left its item (finished or dropped) in the history."""
    if record is not None:
        c.execute("INSERT INTO jobs (task_name, id, data_id, doc) VALUES (?, ?, ?, ?)",
                  (record["task_name"], record["id"], record["data_id"], json.dumps(record)))


def _denied(c: sqlite3.Connection, params: dict[str, Any]) -> JobUpdate:
    """Why the conditional update matched nothing (`store.workflow_rules.deny`)."""
    row = c.execute(f"SELECT {RESULT_COLUMNS} FROM results WHERE task_name = :t"
                    " AND current_job_id = :j AND current_job_id != ''", params).fetchone()
    if row is not None:
        denial = deny(params["u"], JobTrace.CURRENT, to_state(row))
        if denial.release_paused_hold:
            c.execute(RELEASE_PAUSED, params)
        return denial.update
    gone = c.execute("SELECT doc FROM jobs WHERE task_name = :t AND id = :j", params).fetchone()
    if gone is None:
        require_task(c, params["t"])
        return deny(params["u"], JobTrace.UNKNOWN).update
    dropped = json.loads(gone[0]).get("dropped", False)
    return deny(params["u"], JobTrace.DROPPED if dropped else JobTrace.FINISHED).update

"""The job workflow on the MongoDB engine: claims, heartbeats, interrupts, ends, admin batches.

Every decision two users can race on is one `find_one_and_update` whose filter carries the
condition (free item; current job held by the caller and running, at the start time we read).
A transition that depends on a value (elapsed time = now - start_at) is a compare-and-set: the
filter names the value it was computed from, so a concurrent change makes it match nothing and
it is re-evaluated. The unique partial index `results_held` (holder, task, lane) makes a user's
second concurrent claim in one lane fail; it then resumes the item it won.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError as MongoDuplicateKeyError

from store.mongo.workflow_labels import MongoLabels
from store.mongo.workflow_tasks import MongoTasks
from store.repositories.workflow import KEEP, Assignments, JobRepository, check_unique
from store.repositories.workflow_types import (
    LANE_OF_OBJECTIVE,
    LANE_OF_STATUS,
    BatchOutcome,
    JobAction,
    JobUpdate,
    JobUpdateOutcome,
    JobView,
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
from store.mongo.workflow_docs import free, result_fields, set_and, set_in, to_state

AFTER = ReturnDocument.AFTER
#: Compare-and-set retries before giving up (each retry means another request changed the item).
ATTEMPTS = 8


class MongoClaims(JobRepository):
    def __init__(self, db: Any, tasks: MongoTasks, labels: MongoLabels) -> None:
        """`db`: a Motor database; `tasks` keeps the status counters (and knows whether a task
        exists), `labels` writes the labels an end carries."""
        self._db = db
        self._tasks = tasks
        self._labels = labels

    async def claim_job(self, task_name: str, username: str, objective: str, now: float,
                        lease: float) -> JobView | None:
        lane = LANE_OF_OBJECTIVE[objective]
        take = {"$set": {"holder": username, "queued_for": "", "start_at": now,
                         "last_update_at": now, claimant_field(lane): username}}
        expired = now - lease
        queue_match = {Queue.FOR_CLAIMER: set_and(username), Queue.NOBODY: "",
                       Queue.OTHERS: {"$gt": "", "$ne": username}}
        picks = [{"task_name": task_name, "status": pick.status,
                  "queued_for": queue_match[pick.queue], **free(expired)}
                 for pick in claim_plan(lane)]
        for _ in range(ATTEMPTS):
            doc = await self._resume(task_name, username, lane, now)
            if doc is not None:
                return current_job(to_state(doc))
            try:
                for pick in picks:
                    doc = await self._db.results.find_one_and_update(
                        pick, take, sort=[("ord", 1)], projection=result_fields(),
                        return_document=AFTER)
                    if doc is not None:
                        return current_job(to_state(doc))
                await self._tasks.require_task(task_name)
                return None
            except MongoDuplicateKeyError:
                continue  # a concurrent claim of this user won an item: resume that one
        return None

    async def _resume(self, task_name: str, username: str, lane: str,
                      now: float) -> dict[str, Any] | None:
        """Rule 1, as two conditional updates: a running job keeps its start, an interrupted one
        restarts its clock."""
        held = {"holder": set_and(username), "task_name": task_name, "lane": lane}
        doc = await self._db.results.find_one_and_update(
            {**held, "start_at": {"$gt": 0}}, {"$set": {"last_update_at": now}},
            projection=result_fields(), return_document=AFTER)
        if doc is None:
            doc = await self._db.results.find_one_and_update(
                {**held, "start_at": 0}, {"$set": {"start_at": now, "last_update_at": now}},
                projection=result_fields(), return_document=AFTER)
        return doc

    async def update_job(self, task_name: str, job_id: str, username: str, action: JobAction,
                         now: float, status: str | None = None, comments: Any = KEEP,
                         annotations: Any = KEEP) -> JobUpdate:
        if action is JobAction.END and status is None:
            raise ValueError("ending a job needs the item's new status")
        if annotations is not KEEP and action is not JobAction.END:
            raise ValueError("labels go with a job's end only")
        mine = {"task_name": task_name, "current_job_id": set_and(job_id), "holder": username}
        if action is JobAction.HEARTBEAT:
            changes: dict[str, Any] = {"last_update_at": now}
            if comments is not KEEP:
                changes["comments"] = comments
            doc = await self._db.results.find_one_and_update(
                {**mine, "start_at": {"$gt": 0}}, {"$set": changes}, projection=result_fields(),
                return_document=AFTER)
            if doc is not None:
                return JobUpdate(JobUpdateOutcome.UPDATED, current_job(to_state(doc)))
            return await self._denied(task_name, job_id, username)
        for _ in range(ATTEMPTS):
            before = await self._db.results.find_one(
                {"task_name": task_name, "current_job_id": set_and(job_id)}, result_fields())
            if before is None or before["holder"] != username or before["start_at"] <= 0:
                return await self._denied(task_name, job_id, username)
            state = to_state(before)
            elapsed = max(now - state["start_at"], 0.0)
            final_comments = state["comments"] if comments is KEEP else comments
            # Compare-and-set: the filter pins every value the update was computed from.
            cas = {**mine, "start_at": before["start_at"], "annotator": before["annotator"]}
            if action is JobAction.INTERRUPT:
                doc = await self._db.results.find_one_and_update(
                    cas, {"$set": {"start_at": 0.0, "last_update_at": now,
                                   "comments": final_comments},
                          "$inc": {"job_duration": elapsed, "cumulated_time": elapsed}},
                    projection=result_fields(), return_document=AFTER)
                if doc is not None:
                    return JobUpdate(JobUpdateOutcome.UPDATED, current_job(to_state(doc)))
                continue
            assert status is not None
            if annotations is not KEEP:
                # Written while the caller holds the running job (just read, lease fresh), before
                # the item moves on: no reader ever sees it moved on without these labels.
                await self._labels.write_labels(task_name, state["data_id"], annotations)
                annotations = KEEP  # a compare-and-set retry need not write them twice
            then = ending(state, status, final_comments)
            doc = await self._db.results.find_one_and_update(
                cas, {"$set": {
                    "status": then.status, "lane": then.lane, "current_job_id": then.next_job_id,
                    "holder": "", "start_at": 0.0, "job_duration": 0.0, "last_update_at": now,
                    "ended_by": username, "ended_at": now,
                    "queued_for": then.queued_for, "comments": then.next_comments},
                    "$inc": {"cumulated_time": elapsed},
                    "$push": {"finished_job_ids": job_id}},
                projection=result_fields(), return_document=AFTER)
            if doc is None:
                continue
            ended = current_job(state)
            assert ended is not None
            ended.update({"assigned_to": username, "start_at": 0.0,
                          "duration": state["job_duration"] + elapsed, "last_update_at": now,
                          "comments": final_comments})
            await self._db.jobs.insert_one(job_record(ended))
            await self._tasks.shift_counts(task_name, {state["status"]: -1, status: 1})
            return JobUpdate(JobUpdateOutcome.UPDATED, ended, next_job_id=then.next_job_id)
        return await self._denied(task_name, job_id, username)

    async def _denied(self, task_name: str, job_id: str, username: str) -> JobUpdate:
        """Why the conditional update matched nothing (`store.workflow_rules.deny`)."""
        doc = await self._db.results.find_one(
            {"task_name": task_name, "current_job_id": set_and(job_id)}, result_fields())
        if doc is not None:
            denial = deny(username, JobTrace.CURRENT, to_state(doc))
            if denial.release_paused_hold:
                await self._db.results.update_one(
                    {"task_name": task_name, "current_job_id": set_and(job_id),
                     "holder": username, "start_at": 0}, {"$set": {"holder": "", "start_at": 0.0}})
            return denial.update
        # The item's finished_job_ids are written by the winning update itself; the history
        # record follows it, so a racing loser looks at the former first.
        finished = await self._db.results.find_one(
            {"task_name": task_name, "finished_job_ids": job_id}, {"_id": 1})
        if finished is not None:
            return deny(username, JobTrace.FINISHED).update
        gone = await self._db.jobs.find_one({"task_name": task_name, "id": job_id},
                                            {"_id": 0, "dropped": 1})
        if gone is None:
            await self._tasks.require_task(task_name)
            return deny(username, JobTrace.UNKNOWN).update
        return deny(username, JobTrace.DROPPED if gone.get("dropped") else JobTrace.FINISHED).update

    async def get_job(self, task_name: str, job_id: str) -> JobView | None:
        doc = await self._db.results.find_one(
            {"task_name": task_name, "current_job_id": set_and(job_id)}, result_fields())
        if doc is not None:
            return current_job(to_state(doc))
        job = await self._db.jobs.find_one({"task_name": task_name, "id": job_id}, {"_id": 0})
        if job is None:
            return None
        result = await self._db.results.find_one(
            {"task_name": task_name, "data_id": job["data_id"]},
            {"_id": 0, "annotator": 1, "validator": 1})
        result = result or {"annotator": "", "validator": ""}
        return history_job(job, annotator=result["annotator"], validator=result["validator"])

    async def reset_items(self, task_name: str, ids: Sequence[str], *, by_job: bool,
                          status: str | None, now: float) -> BatchOutcome:
        check_unique(ids, "job id" if by_job else "data id")
        field = "current_job_id" if by_job else "data_id"
        wanted = list(ids)
        query = set_in(wanted) if by_job else {"$in": wanted}
        docs = await self._db.results.find({"task_name": task_name, field: query},
                                           {"_id": 1, field: 1}).to_list(None)
        known = {doc[field] for doc in docs}
        unknown = [value for value in wanted if value not in known]
        if unknown:
            return BatchOutcome(unknown=unknown)
        deltas: dict[str, int] = {}
        for doc in docs:
            if status is None:
                await self._db.results.update_one({"_id": doc["_id"]}, {"$set": {
                    "holder": "", "queued_for": "", "start_at": 0.0, "annotator": "",
                    "validator": "", "ended_by": "", "ended_at": 0.0}})
                continue
            for _ in range(ATTEMPTS):
                current = await self._db.results.find_one({"_id": doc["_id"]}, result_fields())
                if current is None:
                    break  # the task is being deleted
                # Compare-and-set on the job being dropped and the status being counted.
                changed = await self._db.results.update_one(
                    {"_id": doc["_id"], "status": current["status"],
                     "current_job_id": current["current_job_id"]}, {"$set": {
                        "status": status, "lane": LANE_OF_STATUS[status],
                        "current_job_id": follow_up_job_id(status),
                        "holder": "", "queued_for": "", "start_at": 0.0, "job_duration": 0.0,
                        "comments": None, "last_update_at": now, "ended_by": "",
                        "ended_at": 0.0}})
                if changed.matched_count:
                    record = dropped_job(to_state(current), now)
                    if record is not None:
                        await self._db.jobs.insert_one(record)
                    deltas[current["status"]] = deltas.get(current["status"], 0) - 1
                    deltas[status] = deltas.get(status, 0) + 1
                    break
        await self._tasks.shift_counts(task_name, deltas)
        return BatchOutcome(changed=len(docs))

    async def get_assignments(self, usernames: Sequence[str]) -> list[Assignments]:
        out: dict[str, Assignments] = {u: {"curr_assigned_jobs": {}, "queue": {}}
                                       for u in usernames}
        users = list(out)
        projection = {"_id": 0, "holder": 1, "queued_for": 1, "task_name": 1, "status": 1,
                      "current_job_id": 1, "ord": 1}
        async for doc in self._db.results.find({"holder": set_in(users)}, projection):
            out[doc["holder"]]["curr_assigned_jobs"][f"{doc['task_name']}/{doc['status']}"] = \
                doc["current_job_id"]
        queued = await self._db.results.find({"queued_for": set_in(users)},
                                             projection).to_list(None)
        queued.sort(key=lambda d: (d["queued_for"], d["task_name"], d["ord"]))
        for doc in queued:
            out[doc["queued_for"]]["queue"].setdefault(
                f"{doc['task_name']}/{doc['status']}", []).append(doc["current_job_id"])
        return [out[u] for u in usernames]

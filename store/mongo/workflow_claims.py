"""The job workflow on the MongoDB engine: claims, heartbeats, interrupts, ends, admin batches.

Every decision two users can race on is one `find_one_and_update` whose filter carries the
condition (free item; current job held by the caller and running, at the start time we read).
A transition that depends on a value (elapsed time = now - start_at) is a compare-and-set: the
filter names the value it was computed from, so a concurrent change makes it match nothing and
it is re-evaluated. The unique partial index `results_held` (holder, task, lane) makes a user's
second concurrent claim in one lane fail; it then resumes the item it won.

What follows a winning end (the ended job's record, the status counters) and an admin batch (a
bulk write of compare-and-sets, the dropped jobs' records, the counters) run through
`Transitions`: one transaction on a replica set, one write after the other on a standalone server.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from pymongo import ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError as MongoDuplicateKeyError

from store.mongo.transitions import Transitions
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
    Ending,
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
#: Items of an admin batch per bulk write (and per transaction on a replica set).
BULK = 1000


def _landed(after: dict[str, Any] | None, status: str, next_id: str, now: float) -> bool:
    """Whether an item of a bulk reset is in the state its update wrote: its new job (a fresh
    id, nobody else writes it), or, entering done/discard (no job), the status and time of this
    batch."""
    if after is None:
        return False
    if next_id:
        return after["current_job_id"] == next_id
    return (after["status"] == status and after["current_job_id"] == ""
            and after["last_update_at"] == now)


class MongoClaims(JobRepository):
    def __init__(self, db: Any, tasks: MongoTasks, labels: MongoLabels,
                 transitions: Transitions, bulk: int = BULK) -> None:
        """`db`: a Motor database; `tasks` keeps the status counters (and knows whether a task
        exists), `labels` writes the labels an end carries, `transitions` runs the writes of an
        end or an admin batch (in a transaction on a replica set), `bulk` items at a time."""
        self._db = db
        self._tasks = tasks
        self._labels = labels
        self._transitions = transitions
        self._bulk = bulk

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
            ended = current_job(state)
            assert ended is not None
            ended.update({"assigned_to": username, "start_at": 0.0,
                          "duration": state["job_duration"] + elapsed, "last_update_at": now,
                          "comments": final_comments})
            won = await self._transitions.run(partial(
                self._end, cas, then, elapsed, job_id, username, now, ended, state["status"]))
            if not won:
                continue
            return JobUpdate(JobUpdateOutcome.UPDATED, ended, next_job_id=then.next_job_id)
        return await self._denied(task_name, job_id, username)

    async def _end(self, cas: dict[str, Any], then: Ending, elapsed: float, job_id: str,
                   username: str, now: float, ended: JobView, old_status: str,
                   session: Any) -> bool:
        """The three writes of an end (`Transitions`: one transaction on a replica set): the
        compare-and-set that decides it, then the ended job's record and the counters. False
        when the compare-and-set matched nothing (the item changed since it was read)."""
        doc = await self._db.results.find_one_and_update(
            cas, {"$set": {
                "status": then.status, "lane": then.lane, "current_job_id": then.next_job_id,
                "holder": "", "start_at": 0.0, "job_duration": 0.0, "last_update_at": now,
                "ended_by": username, "ended_at": now,
                "queued_for": then.queued_for, "comments": then.next_comments},
                "$inc": {"cumulated_time": elapsed},
                "$push": {"finished_job_ids": job_id}},
            projection={"_id": 1}, session=session)
        if doc is None:
            return False
        await self._db.jobs.insert_one(job_record(ended), session=session)
        await self._tasks.shift_counts(cas["task_name"], {old_status: -1, then.status: 1},
                                       session=session)
        return True

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
        return (await self.get_jobs(task_name, [job_id]))[0]

    async def get_jobs(self, task_name: str, job_ids: Sequence[str]) -> list[JobView | None]:
        # Current jobs live on their result (one find); the others are in the history (one
        # more), with their items' annotator and validator (a third), however many are asked.
        found: dict[str, JobView] = {}
        wanted = list(dict.fromkeys(job_ids))
        if wanted:
            async for doc in self._db.results.find(
                    {"task_name": task_name, "current_job_id": set_in(wanted)}, result_fields()):
                job = current_job(to_state(doc))
                if job is not None:
                    found[job["id"]] = job
        rest = [job_id for job_id in wanted if job_id not in found]
        history = await self._db.jobs.find({"task_name": task_name, "id": {"$in": rest}},
                                           {"_id": 0}).to_list(None) if rest else []
        if history:
            people = {doc["data_id"]: doc async for doc in self._db.results.find(
                {"task_name": task_name, "data_id": {"$in": list({j["data_id"] for j in history})}},
                {"_id": 0, "data_id": 1, "annotator": 1, "validator": 1})}
            for job in history:
                who = people.get(job["data_id"], {"annotator": "", "validator": ""})
                found[job["id"]] = history_job(job, annotator=who["annotator"],
                                               validator=who["validator"])
        return [found.get(job_id) for job_id in job_ids]

    async def reset_items(self, task_name: str, ids: Sequence[str], *, by_job: bool,
                          status: str | None, now: float) -> BatchOutcome:
        check_unique(ids, "job id" if by_job else "data id")
        field = "current_job_id" if by_job else "data_id"
        wanted = list(ids)
        query = set_in(wanted) if by_job else {"$in": wanted}
        docs = await self._db.results.find({"task_name": task_name, field: query},
                                           result_fields()).to_list(None)
        known = {doc[field] for doc in docs}
        unknown = [value for value in wanted if value not in known]
        if unknown:
            return BatchOutcome(unknown=unknown)
        if status is None:  # unassign: the same change for every item, one update
            await self._db.results.update_many({"_id": {"$in": [doc["_id"] for doc in docs]}},
                                               {"$set": {
                "holder": "", "queued_for": "", "start_at": 0.0, "annotator": "",
                "validator": "", "ended_by": "", "ended_at": 0.0}})
            return BatchOutcome(changed=len(docs))
        for start in range(0, len(docs), self._bulk):
            current = docs[start:start + self._bulk]
            for _ in range(ATTEMPTS):
                left = await self._transitions.run(
                    partial(self._reset_bulk, task_name, current, status, now))
                if not left:
                    break
                # A concurrent change (a claim, an end) met these items: read them again.
                current = await self._db.results.find({"_id": {"$in": left}},
                                                      result_fields()).to_list(None)
        return BatchOutcome(changed=len(docs))

    async def _reset_bulk(self, task_name: str, docs: list[dict[str, Any]], status: str,
                          now: float, session: Any) -> list[Any]:
        """One bulk write of the batch's items (each a compare-and-set on the job being dropped
        and the status being counted), the dropped jobs' records and one counters update; the
        `_id`s of the items a concurrent change met (their update matched nothing)."""
        planned = [(doc, follow_up_job_id(status)) for doc in docs]
        result = await self._db.results.bulk_write([UpdateOne(
            {"_id": doc["_id"], "status": doc["status"],
             "current_job_id": doc["current_job_id"]},
            {"$set": {"status": status, "lane": LANE_OF_STATUS[status], "current_job_id": next_id,
                      "holder": "", "queued_for": "", "start_at": 0.0, "job_duration": 0.0,
                      "comments": None, "last_update_at": now, "ended_by": "",
                      "ended_at": 0.0}}) for doc, next_id in planned],
            ordered=False, session=session)
        won = [doc for doc, _ in planned]
        if result.matched_count < len(planned):  # which ones: those now in the state we wrote
            after = {doc["_id"]: doc async for doc in self._db.results.find(
                {"_id": {"$in": [doc["_id"] for doc in docs]}},
                {"status": 1, "current_job_id": 1, "last_update_at": 1}, session=session)}
            won = [doc for doc, next_id in planned
                   if _landed(after.get(doc["_id"]), status, next_id, now)]
        records = [record for doc in won if (record := dropped_job(to_state(doc), now))]
        if records:
            await self._db.jobs.insert_many(records, ordered=False, session=session)
        deltas: dict[str, int] = {}
        for doc in won:
            deltas[doc["status"]] = deltas.get(doc["status"], 0) - 1
            deltas[status] = deltas.get(status, 0) + 1
        await self._tasks.shift_counts(task_name, deltas, session=session)
        landed = {doc["_id"] for doc in won}
        return [doc["_id"] for doc in docs if doc["_id"] not in landed]

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

"""Read a pixano-app LevelDB (`WORKSPACE/db.ldb`) as a stream of dump entries (store.repositories.dump).

The old server wrote JSON values under the keys `v`, `u:<user>`, `d:<dataset>`,
`d:<dataset>:<data>`, `s:<spec>`, `t:<task>`, `j:<task>:<job>`, `r:<task>:<data>`,
`l:<task>:<data>`, `ls:<task>:<data>` and `o:` (stored CLI options, not data). It is read with
plyvel (LevelDB itself), prefix by prefix, holding only small indexes in memory (ids, holds and
queues), never the records themselves.

LevelDB replays its log into a new table when a database is opened, so even a reader writes into
the folder. The old database is therefore never opened in place: its files are hard-linked (copied
where links are impossible) into a scratch folder, and only that copy is opened. LevelDB never
rewrites an existing file, so the original stays byte for byte as it was.

How old records map to this store:
- users keep their preferences; plain-text passwords are hashed (argon2id); `curr_assigned_jobs`
  and `queue` become holds and queues on the results they name.
- data items keep their ids and stored thumbnails; `order` is the old key order (data id order),
  which is the order in which the old server walked and paged them.
- results keep status, annotator, validator, cumulated time, finished job ids; the current job's
  state (holder, duration, last update) comes from its `j:` record; a job running when the old
  server stopped counts as interrupted at its last save (time banked, clock restarts when its
  holder resumes it). A held item is held by
  the same user (one per user, task and lane: the hold named in the user's
  `curr_assigned_jobs` wins, other stale holds are released and counted). A to_correct item in its
  annotator's queue stays queued for them. Done/discard items have no current job here; a job the
  old server left on them (objective `discard`) is kept in the history.
- jobs other than current ones are history; labels keep their annotations and statistics (`ls:`
  when present, else computed as every save does).
Anything that does not parse, or names something absent, is skipped and listed.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from resolvers.datasets.paths import PathRefused, normalise_dataset_path, to_url
from store.records import DATA_TYPES, LABELLING_STATUSES, ROLES
from store.repositories.dump import DumpEntry
from store.repositories.workflow_types import LANE_OF_STATUS, label_statistics, relative_data_path

#: The old server's mount point, the prefix of every stored media path.
OLD_MEDIA_PREFIX = "/data/"
#: Files of a LevelDB folder that belong to a running process, not to the data.
NOT_DATA = ("LOCK", "LOG", "LOG.old")


class LegacyDatabaseError(Exception):
    """The old database cannot be read (missing, locked, corrupt, truncated)."""


@dataclass
class Skipped:
    key: str
    reason: str


@dataclass
class ReadReport:
    """What the reader did: records emitted and skipped per kind, and the notable conversions."""

    migrated: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    skipped_by_kind: dict[str, int] = field(default_factory=dict)
    passwords_hashed: int = 0
    holds_kept: int = 0
    holds_released: int = 0
    queued_kept: int = 0
    old_version: str = ""

    def count(self, kind: str) -> None:
        self.migrated[kind] = self.migrated.get(kind, 0) + 1

    def skip(self, kind: str, key: str, reason: str) -> None:
        self.skipped.append(Skipped(key, reason))
        self.skipped_by_kind[kind] = self.skipped_by_kind.get(kind, 0) + 1


def open_copy(db_path: Path, scratch_parent: Path | None) -> tuple[Any, Path]:
    """plyvel DB on a private copy of `db_path` (see the module docstring) and the copy's folder
    (the caller removes it)."""
    import plyvel

    if not (db_path / "CURRENT").is_file():
        raise LegacyDatabaseError(f"{db_path} is not a LevelDB database (no CURRENT file)")
    if scratch_parent is not None:
        scratch_parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="migrate-", dir=scratch_parent))
    try:
        for entry in os.scandir(db_path):
            if entry.name in NOT_DATA or not entry.is_file():
                continue
            target = scratch / entry.name
            try:
                os.link(entry.path, target)
            except OSError:
                shutil.copy2(entry.path, target)
        db = plyvel.DB(str(scratch), create_if_missing=False, paranoid_checks=True)
    except (plyvel.Error, OSError) as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        raise LegacyDatabaseError(f"cannot read the old database {db_path}: {exc}") from exc
    return db, scratch


def _json(raw: bytes) -> Any:
    return json.loads(raw.decode("utf-8"))


def _media_path(path: Any) -> Any:
    """An old `/data/<relative>` path as this server stores it (a percent-encoded /data URL)."""
    if isinstance(path, list):
        return [_media_path(p) for p in path]
    if not isinstance(path, str):
        raise ValueError("a path is not a string")
    if path.startswith(OLD_MEDIA_PREFIX):
        return to_url(unquote(path[len(OLD_MEDIA_PREFIX):]))
    return path


def _children(children: Any) -> list[dict[str, Any]]:
    if not children:
        return []
    if not isinstance(children, list):
        raise ValueError("children is neither empty nor a list")
    frames: list[dict[str, Any]] = []
    for frame in children:
        if not isinstance(frame, dict) or "path" not in frame:
            raise ValueError("a frame has no path (an unconverted pre-0.2 sequence)")
        frames.append({"timestamp": float(frame.get("timestamp", len(frames))),
                       "path": _media_path(frame["path"])})
    return frames


class LegacyReader:
    """Entries of one old database, prefix by prefix (`entries()`), with a report of it all."""

    def __init__(self, db: Any, hash_password: Callable[[str], str]) -> None:
        self._db = db
        self._hash = hash_password
        self.report = ReadReport()
        # Small indexes kept between prefixes (ids and names, never records).
        self._datasets: set[str] = set()
        self._dataset_keys: set[tuple[str, str]] = set()
        self._items: dict[str, dict[str, str | list[str]]] = {}  # dataset -> data id -> path
        self._specs: set[str] = set()
        self._tasks: dict[str, str] = {}  # task -> dataset id
        self._assigned: dict[tuple[str, str], str] = {}  # (task, job id) -> user holding it
        self._queued: dict[tuple[str, str], str] = {}  # (task, job id) -> user it waits for
        self._current: dict[str, set[str]] = {}  # task -> current job ids
        self._results: dict[str, set[str]] = {}  # task -> data ids with a result

    def count_keys(self) -> int:
        """How many keys the database holds (for the progress bar; keys only, no values)."""
        return sum(1 for _ in self._db.iterator(include_value=False, fill_cache=False))

    def _scan(self, prefix: bytes) -> Iterator[tuple[str, bytes]]:
        for key, value in self._db.iterator(prefix=prefix, fill_cache=False):
            yield key.decode("utf-8", "replace"), value

    def entries(self) -> Iterator[DumpEntry]:
        version = self._db.get(b"v")
        if version is not None:
            try:
                self.report.old_version = str(_json(version).get("version", ""))
            except (ValueError, AttributeError):
                self.report.skip("version", "v", "not JSON")
        yield from self._users()
        yield from self._datasets_and_items()
        yield from self._specs_and_tasks()
        yield from self._results_of_tasks()
        yield from self._jobs()
        yield from self._labels()
        for raw_key in self._db.iterator(include_value=False, fill_cache=False):
            key = raw_key.decode("utf-8", "replace")
            if key.startswith("o:"):
                self.report.skip("options", key, "stored command-line options: not data")
            elif key != "v" and key.split(":", 1)[0] not in ("u", "d", "s", "t", "j", "r", "l", "ls"):
                self.report.skip("unknown", key, "unknown key prefix")
            elif key.startswith(("l:", "ls:")) and key.split(":", 1)[1].rpartition(":")[0] \
                    not in self._tasks:
                self.report.skip("label", key, "its task is missing or was skipped")

    def _emit(self, kind: str, record: dict[str, Any]) -> DumpEntry:
        self.report.count(kind)
        return DumpEntry(kind=kind, record=record)

    # -- users ---------------------------------------------------------------------------------

    def _users(self) -> Iterator[DumpEntry]:
        for key, raw in self._scan(b"u:"):
            try:
                old = _json(raw)
                username = old["username"]
                if key != f"u:{username}" or not isinstance(username, str) or not username:
                    raise ValueError("the key does not match the username")
                role = old.get("role", "user")
                if role not in ROLES:
                    raise ValueError(f"unknown role {role!r}")
                password = old["password"]
                if not isinstance(password, str):
                    raise ValueError("the password is not a string")
            except (ValueError, KeyError, TypeError) as exc:
                self.report.skip("user", key, str(exc))
                continue
            if not password.startswith("$argon2"):
                password = self._hash(password)
                self.report.passwords_hashed += 1
            for slot, job_id in (old.get("curr_assigned_jobs") or {}).items():
                if job_id and isinstance(slot, str) and "/" in slot:
                    self._assigned[(slot.rsplit("/", 1)[0], job_id)] = username
            for slot, job_ids in (old.get("queue") or {}).items():
                if isinstance(slot, str) and "/" in slot and isinstance(job_ids, list):
                    for job_id in job_ids:
                        self._queued.setdefault((slot.rsplit("/", 1)[0], job_id), username)
            preferences = old.get("preferences")
            yield self._emit("user", {"username": username, "password": password, "role": role,
                                      "preferences": preferences if isinstance(preferences, dict)
                                      else {}})

    # -- datasets ------------------------------------------------------------------------------

    def _datasets_and_items(self) -> Iterator[DumpEntry]:
        # Dataset records first (keys only to find them), so items can be checked against them.
        dataset_keys = [k for k in self._db.iterator(prefix=b"d:", include_value=False,
                                                     fill_cache=False) if k.count(b":") == 1]
        for raw_key in dataset_keys:
            key = raw_key.decode("utf-8", "replace")
            try:
                old = _json(self._db.get(raw_key))
                dataset_id, data_type = old["id"], old["data_type"]
                if key != f"d:{dataset_id}":
                    raise ValueError("the key does not match the id")
                if data_type not in DATA_TYPES:
                    raise ValueError(f"unknown data type {data_type!r}")
                try:
                    path = normalise_dataset_path(str(old.get("path", "")))
                except PathRefused:
                    path = str(old.get("path", ""))
                if (path, data_type) in self._dataset_keys:
                    raise ValueError(f"a second dataset of {path!r} ({data_type})")
            except (ValueError, KeyError, TypeError) as exc:
                self.report.skip("dataset", key, str(exc))
                continue
            self._datasets.add(dataset_id)
            self._dataset_keys.add((path, data_type))
            self._items[dataset_id] = {}
            yield self._emit("dataset", {"id": dataset_id, "path": path, "data_type": data_type})
        order: dict[str, int] = {}
        for key, raw in self._scan(b"d:"):
            if key.count(":") != 2:
                continue
            try:
                old = _json(raw)
                dataset_id, data_id = key.split(":")[1:]
                if dataset_id not in self._datasets:
                    raise ValueError("its dataset is missing or was skipped")
                if old.get("id") != data_id:
                    raise ValueError("the key does not match the id")
                data_type = old.get("type")
                if data_type not in DATA_TYPES:
                    raise ValueError(f"unknown data type {data_type!r}")
                record = {"id": data_id, "dataset_id": dataset_id, "type": data_type,
                          "path": _media_path(old.get("path", "")),
                          "children": _children(old.get("children"))}
                if isinstance(old.get("thumbnail"), str):
                    record["thumbnail"] = old["thumbnail"]
            except (ValueError, KeyError, TypeError) as exc:
                self.report.skip("data", key, str(exc))
                continue
            record["order"] = order.get(dataset_id, 0)
            order[dataset_id] = record["order"] + 1
            # The result keeps the item's workspace-relative path (DbResult.path, filters).
            self._items[dataset_id][data_id] = relative_data_path(record["path"])
            yield self._emit("data", record)

    # -- specs and tasks -----------------------------------------------------------------------

    def _specs_and_tasks(self) -> Iterator[DumpEntry]:
        for key, raw in self._scan(b"s:"):
            try:
                old = _json(raw)
                if key != f"s:{old['id']}":
                    raise ValueError("the key does not match the id")
                if old.get("data_type") not in DATA_TYPES:
                    raise ValueError(f"unknown data type {old.get('data_type')!r}")
                record = {"id": old["id"], "plugin_name": str(old["plugin_name"]),
                          "data_type": old["data_type"], "label_schema": old.get("label_schema", {})}
                if old.get("settings") is not None:
                    record["settings"] = old["settings"]
            except (ValueError, KeyError, TypeError) as exc:
                self.report.skip("spec", key, str(exc))
                continue
            self._specs.add(record["id"])
            yield self._emit("spec", record)
        for key, raw in self._scan(b"t:"):
            try:
                old = _json(raw)
                name = old["name"]
                if key != f"t:{name}":
                    raise ValueError("the key does not match the name")
                if old.get("dataset_id") not in self._datasets:
                    raise ValueError("its dataset is missing or was skipped")
                if old.get("spec_id") not in self._specs:
                    raise ValueError("its spec is missing or was skipped")
            except (ValueError, KeyError, TypeError) as exc:
                self.report.skip("task", key, str(exc))
                continue
            self._tasks[name] = old["dataset_id"]
            self._current[name] = set()
            self._results[name] = set()
            yield self._emit("task", {"name": name, "spec_id": old["spec_id"],
                                      "dataset_id": old["dataset_id"]})

    # -- results -------------------------------------------------------------------------------

    def _task_and_id(self, key: str, prefix: str) -> tuple[str, str]:
        """(task, id) of `<prefix>:<task>:<id>` (task names may hold ':'; ids never do)."""
        body = key[len(prefix) + 1:]
        task, sep, item = body.rpartition(":")
        if not sep or not item:
            raise ValueError("a half-written key (no id)")
        if task not in self._tasks:
            raise ValueError("its task is missing or was skipped")
        return task, item

    def _results_of_tasks(self) -> Iterator[DumpEntry]:
        order: dict[str, int] = {}
        held: dict[tuple[str, str, str], str] = {}  # (user, task, lane) -> job id held
        for key, raw in self._scan(b"r:"):
            try:
                task, data_id = self._task_and_id(key, "r")
                old = _json(raw)
                if old.get("data_id") != data_id:
                    raise ValueError("the key does not match the data id")
                if data_id not in self._items[self._tasks[task]]:
                    raise ValueError("its data item is missing or was skipped")
                status = old.get("status")
                if status not in LABELLING_STATUSES:
                    raise ValueError(f"unknown status {status!r}")
                record = self._result(task, data_id, old, status, held)
            except (ValueError, KeyError, TypeError) as exc:
                self.report.skip("result", key, str(exc))
                continue
            record["order"] = order.get(task, 0)
            order[task] = record["order"] + 1
            self._results[task].add(data_id)
            yield self._emit("result", record)

    def _result(self, task: str, data_id: str, old: dict[str, Any], status: str,
                held: dict[tuple[str, str, str], str]) -> dict[str, Any]:
        job_id = str(old.get("current_job_id") or "")
        if status in ("done", "discard"):
            job_id = ""  # a job left on it (objective `discard`) stays in the history
        job: dict[str, Any] = {}
        if job_id:
            raw = self._db.get(f"j:{task}:{job_id}".encode())
            job = _json(raw) if raw is not None else {}
            self._current[task].add(job_id)
        holder = ""
        assigned = job.get("assigned_to") or ""
        if job_id and old.get("in_progress") and assigned:
            # Held = named in the user's curr_assigned_jobs (what the old server resumed); one
            # per user, task and lane here. Other in_progress flags were stale there (nobody
            # could resume or take the item): the item is released.
            slot = (assigned, task, LANE_OF_STATUS[status])
            if self._assigned.get((task, job_id)) == assigned and slot not in held:
                held[slot] = job_id
                holder = assigned
                self.report.holds_kept += 1
            else:
                self.report.holds_released += 1
        queued_for = ""
        if status == "to_correct" and not holder:
            queued_for = self._queued.get((task, job_id), "")
            if queued_for:
                self.report.queued_kept += 1
        # Stopping the old server interrupted every running job: the time up to its last save is
        # banked (as an interrupt does) and the clock restarts when its holder resumes it.
        last_update = float(job.get("last_update_at") or job.get("created_at") or 0)
        started = float(job.get("start_at") or 0)
        banked = max(last_update - started, 0.0) if started > 0 else 0.0
        return {
            "task_name": task, "data_id": data_id, "status": status, "current_job_id": job_id,
            "finished_job_ids": [str(j) for j in old.get("finished_job_ids") or []],
            "cumulated_time": float(old.get("cumulated_time") or 0) + banked,
            "annotator": str(old.get("annotator") or ""),
            "validator": str(old.get("validator") or ""),
            "holder": holder, "queued_for": queued_for,
            "start_at": 0.0,
            "job_duration": float(job.get("duration") or 0) + banked,
            "last_update_at": last_update,
            "comments": None,
            "path": self._items[self._tasks[task]][data_id],
        }

    # -- history and labels --------------------------------------------------------------------

    def _jobs(self) -> Iterator[DumpEntry]:
        for key, raw in self._scan(b"j:"):
            try:
                task, job_id = self._task_and_id(key, "j")
                if job_id in self._current[task]:
                    continue  # lives on its result
                old = _json(raw)
                if old.get("id") != job_id or not isinstance(old.get("data_id"), str):
                    raise ValueError("the key does not match the job")
            except (ValueError, KeyError, TypeError) as exc:
                self.report.skip("job", key, str(exc))
                continue
            yield self._emit("job", {**old, "task_name": task})

    def _labels(self) -> Iterator[DumpEntry]:
        for task, data_ids in self._results.items():
            labelled: set[str] = set()
            for key, raw in self._scan(f"l:{task}:".encode()):
                data_id = key[len(f"l:{task}:"):]
                if ":" in data_id:
                    continue  # another task whose name starts with this one's
                try:
                    if data_id not in data_ids:
                        raise ValueError("no result of this item was migrated")
                    old = _json(raw)
                    annotations = old.get("annotations", [])
                    stats = self._db.get(f"ls:{task}:{data_id}".encode())
                    statistics = (_json(stats).get("value") if stats is not None else None)
                    if statistics is None:
                        statistics = label_statistics(annotations)
                except (ValueError, KeyError, TypeError, AttributeError) as exc:
                    self.report.skip("label", key, str(exc))
                    continue
                labelled.add(data_id)
                yield self._emit("label", {"task_name": task, "data_id": data_id,
                                           "annotations": annotations, "statistics": statistics})
            for data_id in data_ids - labelled:  # every item has labels here, maybe none
                yield self._emit("label", {"task_name": task, "data_id": data_id,
                                           "annotations": [], "statistics": label_statistics([])})

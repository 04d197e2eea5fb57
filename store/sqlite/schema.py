"""Every table and index of the embedded engine, declared in one place.

Each collection of the API document is a table holding the record as JSON (`doc`) plus a column
for every field a query filters or sorts on, each such query backed by an index.
"""
from __future__ import annotations


def _objects(row: str) -> str:
    """SQL: the number of objects of a labels row's statistics (`NEW` or `OLD`)."""
    return f"coalesce(json_extract({row}.statistics, '$.objects'), 0)"


def _add(row: str) -> str:
    """SQL statement adding a labels row's statistics to its task's label_totals."""
    return ("INSERT INTO label_totals (task_name, kind, category, count)"
            f" SELECT {row}.task_name, 'objects', '', {_objects(row)}"
            f" UNION ALL SELECT {row}.task_name, 'category', key, value"
            f" FROM json_each({row}.statistics, '$.categories') WHERE true"
            " ON CONFLICT (task_name, kind, category) DO UPDATE"
            " SET count = count + excluded.count;")


def _subtract(row: str) -> str:
    """SQL statements taking a labels row's statistics off its task's label_totals."""
    return (f"UPDATE label_totals SET count = count - {_objects(row)}"
            f" WHERE task_name = {row}.task_name AND kind = 'objects' AND category = '';"
            " UPDATE label_totals SET count = count - (SELECT value FROM"
            f" json_each({row}.statistics, '$.categories') WHERE key = label_totals.category)"
            f" WHERE task_name = {row}.task_name AND kind = 'category' AND category IN"
            f" (SELECT key FROM json_each({row}.statistics, '$.categories'));")

META = (
    # key 'v' -> DbVersion
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)

USERS = (
    "CREATE TABLE IF NOT EXISTS users ("
    " username TEXT PRIMARY KEY,"
    " doc TEXT NOT NULL)",
)

DATASETS: tuple[str, ...] = (
    # d:{dataset_id} -> DbDataset; item_count is a counter kept beside it (not part of the record).
    "CREATE TABLE IF NOT EXISTS datasets ("
    " id TEXT PRIMARY KEY,"
    " path TEXT NOT NULL,"
    " data_type TEXT NOT NULL,"
    " item_count INTEGER NOT NULL DEFAULT 0,"
    " doc TEXT NOT NULL)",
    "CREATE UNIQUE INDEX IF NOT EXISTS datasets_by_path ON datasets (path, data_type)",
    # d:{dataset_id}:{data_id} -> DbData; ord = rank by path, the data order every listing follows.
    "CREATE TABLE IF NOT EXISTS data_items ("
    " dataset_id TEXT NOT NULL,"
    " id TEXT NOT NULL,"
    " ord INTEGER NOT NULL,"
    " doc TEXT NOT NULL,"
    " PRIMARY KEY (dataset_id, id))",
    # Covering index: data ids in data order, and keyset pages, without touching the rows.
    "CREATE UNIQUE INDEX IF NOT EXISTS data_items_by_order ON data_items (dataset_id, ord, id)",
)

SPECS: tuple[str, ...] = (
    # s:{spec_id} -> DbSpec; content_hash = sha256 of its canonical JSON (find equal specs).
    "CREATE TABLE IF NOT EXISTS specs ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id TEXT NOT NULL UNIQUE,"
    " content_hash TEXT NOT NULL,"
    " doc TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS specs_by_content ON specs (content_hash)",
)

TASKS = (
    "CREATE TABLE IF NOT EXISTS tasks ("
    " name TEXT PRIMARY KEY,"
    " spec_id TEXT NOT NULL,"
    " dataset_id TEXT NOT NULL,"
    " doc TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tasks_by_spec ON tasks (spec_id)",
    "CREATE INDEX IF NOT EXISTS tasks_by_dataset ON tasks (dataset_id)",
    # Items per status of each task, kept in the transaction of every transition: statusCounts
    # never counts rows.
    "CREATE TABLE IF NOT EXISTS task_counts ("
    " task_name TEXT PRIMARY KEY,"
    " to_annotate INTEGER NOT NULL DEFAULT 0,"
    " to_validate INTEGER NOT NULL DEFAULT 0,"
    " to_correct INTEGER NOT NULL DEFAULT 0,"
    " done INTEGER NOT NULL DEFAULT 0,"
    " discard INTEGER NOT NULL DEFAULT 0)",
)

WORKFLOW: tuple[str, ...] = (
    # r:{task}:{data_id} -> DbResult, plus the live state of the item's current job (holder =
    # assigned_to, start_at, job_duration, last_update_at, comments, queued_for), so a claim or a
    # transition is one conditional UPDATE of one row. in_progress = (holder != '');
    # lane = 'annotate' (to_annotate, to_correct), 'validate' (to_validate), '' (done, discard).
    # ended_by / ended_at: who ended the item's latest job and when (the labels grace period);
    # path: JSON text of the item's workspace-relative path(s), copied at creation (DbResult.path
    # of the original server; the legacy contains-filter compares it). store/migrations.py adds
    # these three to older databases.
    "CREATE TABLE IF NOT EXISTS results ("
    " task_name TEXT NOT NULL,"
    " data_id TEXT NOT NULL,"
    " ord INTEGER NOT NULL,"
    " status TEXT NOT NULL,"
    " lane TEXT NOT NULL,"
    " current_job_id TEXT NOT NULL,"
    " finished_job_ids TEXT NOT NULL,"
    " cumulated_time REAL NOT NULL,"
    " annotator TEXT NOT NULL,"
    " validator TEXT NOT NULL,"
    " holder TEXT NOT NULL,"
    " queued_for TEXT NOT NULL,"
    " start_at REAL NOT NULL,"
    " job_duration REAL NOT NULL,"
    " last_update_at REAL NOT NULL,"
    " comments TEXT,"
    " ended_by TEXT NOT NULL DEFAULT '',"
    " ended_at REAL NOT NULL DEFAULT 0,"
    " path TEXT NOT NULL DEFAULT '\"\"')",
    "CREATE UNIQUE INDEX IF NOT EXISTS results_key ON results (task_name, data_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS results_by_ord ON results (task_name, ord)",
    # Claims, rules 2-4: first free item of a status (queued for nobody / for U) in data order.
    "CREATE INDEX IF NOT EXISTS results_claim ON results (task_name, status, queued_for, ord)",
    # Rule 1 and DbUser.curr_assigned_jobs; unique: one held item per user, task and lane.
    "CREATE UNIQUE INDEX IF NOT EXISTS results_held ON results (holder, task_name, lane)"
    " WHERE holder != ''",
    # DbUser.queue (to_correct items waiting for their annotator).
    "CREATE INDEX IF NOT EXISTS results_queued ON results (queued_for, task_name, ord)"
    " WHERE queued_for != ''",
    "CREATE UNIQUE INDEX IF NOT EXISTS results_by_job ON results (task_name, current_job_id)"
    " WHERE current_job_id != ''",
    # Listings (see store/repositories/workflow_listing.py): one seek per status branch.
    "CREATE INDEX IF NOT EXISTS results_by_status ON results (task_name, status, ord)",
    "CREATE INDEX IF NOT EXISTS results_by_annotator ON results (task_name, status, annotator, ord)",
    "CREATE INDEX IF NOT EXISTS results_by_validator ON results (task_name, status, validator, ord)",
    "CREATE INDEX IF NOT EXISTS results_in_progress ON results (task_name, status, ord)"
    " WHERE holder != ''",
    # j:{task}:{job_id} -> DbJob of finished jobs (the current job lives on its result).
    "CREATE TABLE IF NOT EXISTS jobs ("
    " task_name TEXT NOT NULL,"
    " id TEXT NOT NULL,"
    " data_id TEXT NOT NULL,"
    " doc TEXT NOT NULL,"
    " PRIMARY KEY (task_name, id))",
    # l:{task}:{data_id} -> DbLabel and ls:{task}:{data_id} -> DbLabelStatistics, one row: a save
    # writes both at once.
    "CREATE TABLE IF NOT EXISTS labels ("
    " task_name TEXT NOT NULL,"
    " data_id TEXT NOT NULL,"
    " statistics TEXT NOT NULL,"
    " annotations TEXT NOT NULL,"
    " PRIMARY KEY (task_name, data_id))",
    # Label statistics summed per task (Task.labelStatistics, taskProgress): kind 'objects'
    # (category '') counts the objects, kind 'category' each category's. The triggers keep them
    # in the very transaction of every insert, change and delete of a labels row, whoever
    # writes it (a save, a submit with labels, a task's creation with imported labels, its
    # deletion, a restore), so the totals are never a scan. Subtracting only updates rows that
    # exist (a task deleted before its labels leaves nothing behind); a row fallen to 0 reads as
    # absent. An empty item adds nothing (no row per fresh item). store/migrations.py counts
    # them once for databases made before (version 4).
    "CREATE TABLE IF NOT EXISTS label_totals ("
    " task_name TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " category TEXT NOT NULL,"
    " count INTEGER NOT NULL,"
    " PRIMARY KEY (task_name, kind, category)) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS label_totals_insert AFTER INSERT ON labels"
    f" WHEN {_objects('NEW')} != 0 BEGIN {_add('NEW')} END",
    "CREATE TRIGGER IF NOT EXISTS label_totals_update AFTER UPDATE OF statistics ON labels"
    " WHEN OLD.statistics IS NOT NEW.statistics BEGIN"
    f" {_subtract('OLD')} {_add('NEW')} END",
    "CREATE TRIGGER IF NOT EXISTS label_totals_delete AFTER DELETE ON labels"
    f" WHEN {_objects('OLD')} != 0 BEGIN {_subtract('OLD')} END",
    "CREATE TRIGGER IF NOT EXISTS label_totals_task_delete AFTER DELETE ON tasks BEGIN"
    " DELETE FROM label_totals WHERE task_name = OLD.name; END",
)

EVENTS: tuple[str, ...] = (
    # The event log every worker process follows (store/repositories/events.py). AUTOINCREMENT:
    # a sequence number is never reused, even after the newest events are pruned; SQLite's one
    # writer at a time means events commit in sequence order, so a follower never sees a gap.
    "CREATE TABLE IF NOT EXISTS events ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at REAL NOT NULL,"
    " task_name TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " data TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_by_time ON events (at)",
)

LOGIN_THROTTLE: tuple[str, ...] = (
    # Failed logins per key ('user:<name>' or 'addr:<ip>'); see resolvers/auth/throttle.py.
    "CREATE TABLE IF NOT EXISTS login_failures ("
    " key TEXT PRIMARY KEY,"
    " failures INTEGER NOT NULL,"
    " last_failure REAL NOT NULL,"
    " locked_until REAL NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS login_failures_by_age ON login_failures (last_failure)",
)

#: Every task's label_totals counted again from its labels (the version 4 migration).
RECOUNT_LABEL_TOTALS: tuple[str, ...] = (
    "DELETE FROM label_totals",
    "INSERT INTO label_totals (task_name, kind, category, count)"
    " SELECT task_name, 'objects', '', sum(coalesce(json_extract(statistics, '$.objects'), 0))"
    " FROM labels GROUP BY task_name"
    " UNION ALL SELECT labels.task_name, 'category', j.key, sum(j.value)"
    " FROM labels, json_each(labels.statistics, '$.categories') AS j"
    " GROUP BY labels.task_name, j.key",
)

SCHEMA: tuple[str, ...] = (*META, *USERS, *DATASETS, *SPECS, *TASKS, *WORKFLOW, *LOGIN_THROTTLE,
                           *EVENTS)

#: Created after the migrations (they name columns an older database gets from a migration).
LATE_SCHEMA: tuple[str, ...] = (
    # The legacy path filter (contains) reads this index instead of the rows; a path never
    # changes, so it costs transitions nothing.
    "CREATE INDEX IF NOT EXISTS results_by_path ON results (task_name, ord, path)",
)

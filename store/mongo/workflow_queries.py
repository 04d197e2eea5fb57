"""Every query shape the MongoDB workflow issues, declared in one place with the index it needs.

A shape is the part of a query an index can answer: the fields compared for equality (`$in`
counts as equality: a few index points), then the sort. `residual` fields are checked on the
few documents the index seek returns (e.g. "not held" while walking the free items in data
order). `sort_in_memory` marks the two shapes whose sort is done on a small, bounded set
instead of by the index. tests/workflow/test_mongo_query_shapes.py checks (1) that each shape is
answered by an index of store/mongo/indexes.py and (2) that every query the engine issues while
running the whole workflow matches a shape declared here.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QueryShape:
    name: str
    collection: str
    equality: frozenset[str]
    sort: tuple[str, ...] = ()
    residual: frozenset[str] = field(default_factory=frozenset)
    sort_in_memory: bool = False
    why: str = ""


def _shape(name: str, collection: str, equality: set[str], sort: tuple[str, ...] = (),
           residual: set[str] | None = None, sort_in_memory: bool = False,
           why: str = "") -> QueryShape:
    return QueryShape(name, collection, frozenset(equality), sort, frozenset(residual or ()),
                      sort_in_memory, why)


FREE = {"holder", "last_update_at"}  # the claim's "free" test, on the rows of the seek
#: What a contains-filter scan tests on each document of the task.
CONTAINS_RESIDUAL = {"status", "annotator", "validator", "holder", "data_id", "path",
                     "current_job_id", "ord"}

QUERY_SHAPES: tuple[QueryShape, ...] = (
    # Tasks.
    _shape("task", "tasks", {"name"}, residual={"ready"}),
    _shape("tasks_in_order", "tasks", set(), ("name",), residual={"ready"}),
    _shape("tasks_using_dataset", "tasks", {"dataset_id"}),
    _shape("tasks_using_spec", "tasks", {"spec_id"}),
    _shape("task_documents", "results", {"task_name"}, why="cascade delete"),
    _shape("task_jobs", "jobs", {"task_name"}, why="cascade delete"),
    _shape("task_labels", "labels", {"task_name"}, why="cascade delete"),
    # Claims, in rule order.
    _shape("claim_resume", "results", {"holder", "task_name", "lane"}, residual={"start_at"}),
    _shape("claim_queued_or_free", "results", {"task_name", "status", "queued_for"}, ("ord",),
           residual=FREE),
    _shape("claim_queued_for_others", "results", {"task_name", "status"}, ("ord",),
           residual={"queued_for", *FREE}, sort_in_memory=True,
           why="rule 4 sorts only the to_correct items queued for someone: few by nature"),
    # Jobs.
    _shape("current_job", "results", {"task_name", "current_job_id"},
           residual={"holder", "start_at", "annotator"}),
    _shape("finished_job", "results", {"task_name", "finished_job_ids"}),
    _shape("job_record", "jobs", {"task_name", "id"}, why="finished or dropped jobs"),
    _shape("result", "results", {"task_name", "data_id"}),
    _shape("result_for_labels", "results", {"task_name", "data_id"},
           residual={"holder", "ended_by", "ended_at"},
           why="labels: the save proves the hold (or the grace after ending the latest job)"),
    _shape("results_by_job_ids", "results", {"task_name", "current_job_id"}),
    _shape("held_by_users", "results", {"holder"}),
    _shape("queued_for_users", "results", {"queued_for"}),
    # Listing branches (store/repositories/workflow_listing.py) and their counts.
    _shape("task_in_data_order", "results", {"task_name"}, ("ord",), residual={"ord"},
           why="the unfiltered listing in data order: one seek, LIMIT-bounded"),
    _shape("branch", "results", {"task_name", "status"}, ("ord",), residual={"ord", "holder"}),
    _shape("branch_count", "results", {"task_name", "status"}, residual={"holder"}),
    _shape("branch_annotator", "results", {"task_name", "status", "annotator"}, ("ord",),
           residual={"ord", "holder", "validator"}),
    _shape("branch_annotator_count", "results", {"task_name", "status", "annotator"},
           residual={"holder", "validator"}),
    _shape("branch_validator", "results", {"task_name", "status", "validator"}, ("ord",),
           residual={"ord", "holder"}),
    _shape("branch_validator_count", "results", {"task_name", "status", "validator"},
           residual={"holder"}),
    _shape("branch_by_annotator", "results", {"task_name", "status"}, ("annotator", "ord"),
           residual={"annotator", "ord", "holder"}),
    _shape("branch_by_annotator_of_validator", "results", {"task_name", "status", "validator"},
           ("annotator", "ord"), residual={"annotator", "ord", "holder"}, sort_in_memory=True,
           why="sort by annotator of one validator's items: sorts only that validator's items"),
    # Legacy contains-filters (a field contains a value): no index answers "contains", so the
    # task's documents are read, narrowed by the exact conditions, the regex tested on each.
    _shape("contains_scan", "results", {"task_name"}, ("ord",), residual=CONTAINS_RESIDUAL,
           why="a contains-filter reads the task's documents in data order (bench: --filters)"),
    _shape("contains_scan_by_annotator", "results", {"task_name"}, ("annotator", "ord"),
           residual=CONTAINS_RESIDUAL, sort_in_memory=True,
           why="a contains-filter in ASSIGNED order sorts the matching documents"),
    _shape("contains_count", "results", {"task_name"}, residual=CONTAINS_RESIDUAL,
           why="how many documents a contains-filter matches: the same scan"),
    # Labels.
    _shape("labels", "labels", {"task_name", "data_id"}),
)

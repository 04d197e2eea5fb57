"""Stored records, typed after the Db* interfaces of the API document.

Records are plain dicts with the document's snake_case keys, so both engines, the GraphQL types and
the legacy REST bodies speak the same shape without conversion layers.
"""
from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

Objective = Literal["to_annotate", "to_validate", "to_correct"]
LabellingStatus = Literal["to_annotate", "to_validate", "to_correct", "done", "discard"]
DataType = Literal["image", "pcl", "pcl_image", "sequence_pcl", "sequence_image", "sequence_pcl_image"]
Role = Literal["admin", "user"]

OBJECTIVES: tuple[str, ...] = ("to_annotate", "to_validate", "to_correct")
LABELLING_STATUSES: tuple[str, ...] = (*OBJECTIVES, "done", "discard")
DATA_TYPES: tuple[str, ...] = (
    "image",
    "pcl",
    "pcl_image",
    "sequence_pcl",
    "sequence_image",
    "sequence_pcl_image",
)
ROLES: tuple[str, ...] = ("admin", "user")


class VersionRecord(TypedDict):
    """DbVersion: the schema version of the stored data (key `v`)."""

    version: str


class UserRecord(TypedDict):
    """DbUser. `password` holds an argon2 hash, never the password itself.

    `curr_assigned_jobs` and `queue` are not stored here: the workflow derives them from the
    results (who holds / who is queued for each item), so they can never disagree with the claims.
    """

    username: str
    password: str
    role: str
    preferences: dict[str, Any]
    # Session state (resolvers/auth/sessions.py); never exposed. Older records lack them.
    session_key: NotRequired[str]
    revoked_sessions: NotRequired[dict[str, float]]


class DatasetRecord(TypedDict):
    """DbDataset: a folder of the workspace scanned for one data type."""

    id: str
    path: str
    data_type: str


class FrameRecord(TypedDict):
    """DbFrame: one frame of a sequence."""

    timestamp: float
    path: str | list[str]


class DataRecord(TypedDict):
    """DbData: one data item of a dataset; `order` is its rank by path (stable listing order)."""

    id: str
    dataset_id: str
    type: str
    path: str | list[str]
    children: list[FrameRecord]
    thumbnail: NotRequired[str]
    order: NotRequired[int]


class SpecRecord(TypedDict):
    """DbSpec: a label specification (plugin_name and data_type are immutable)."""

    id: str
    plugin_name: str
    data_type: str
    label_schema: Any
    settings: NotRequired[Any]


class TaskRecord(TypedDict):
    """DbTask: a spec applied to a dataset, known by its unique name."""

    name: str
    spec_id: str
    dataset_id: str


class JobRecord(TypedDict):
    """DbJob (+ comments): one elementary piece of work with an immutable objective."""

    id: str
    task_name: str
    data_id: str
    objective: str
    assigned_to: str
    start_at: float
    duration: float
    last_update_at: float
    comments: NotRequired[Any]


class ResultRecord(TypedDict):
    """DbResult: the workflow state of one data item within a task."""

    task_name: str
    data_id: str
    finished_job_ids: list[str]
    current_job_id: str
    status: str
    cumulated_time: float
    annotator: str
    validator: str
    in_progress: bool
    # The data item's path relative to the workspace (`images/cat.jpg`; a list for pcl_image
    # items), copied onto the result at task creation as the original server did: listings show
    # it and filter on it without reading data items.
    path: str | list[str]


class LabelRecord(TypedDict):
    """DbLabel: the annotations of one data item within a task."""

    task_name: str
    data_id: str
    annotations: Any


class LabelStatisticsRecord(TypedDict):
    """DbLabelStatistics: a summary of the labels, refreshed on every save."""

    task_name: str
    data_id: str
    value: Any

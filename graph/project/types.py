"""GraphQL types of snapshots."""
from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers.project.snapshot import SnapshotInfo


@strawberry.input(description="A snapshot of the whole store. The server writes it into its own "
                              "folder (WORKSPACE/.pixano/snapshots/, never served) and never "
                              "sends data anywhere.")
class SnapshotInput:
    note: str | None = strawberry.field(default=None,
                                        description="Kept in the snapshot's manifest.")
    url: str | None = strawberry.field(
        default=None, description="Refused (BAD_USER_INPUT) when set: the old server could post "
                                  "the database to an external search engine; this one never "
                                  "sends data to a URL on a caller's behalf.")


@strawberry.type(description="How many records of each kind a snapshot holds.")
class SnapshotCounts:
    users: int = strawberry.field(description="Accounts.")
    datasets: int = strawberry.field(description="Datasets.")
    data_items: int = strawberry.field(description="Data items of all datasets.")
    specs: int = strawberry.field(description="Label specifications.")
    tasks: int = strawberry.field(description="Tasks.")
    results: int = strawberry.field(description="Results (one per item of each task).")
    jobs: int = strawberry.field(description="Finished or dropped jobs of the history.")
    labels: int = strawberry.field(description="Labels (one per item of each task).")


@strawberry.type(description="A dated zip of the whole store, restorable with "
                             "`pixano-graph restore WORKSPACE FILE`.")
class Snapshot:
    name: str = strawberry.field(description="File name in WORKSPACE/.pixano/snapshots/.")
    path: str = strawberry.field(description="Path relative to the workspace.")
    created_at: datetime = strawberry.field(description="When it was written (UTC).")
    consistent: bool = strawberry.field(
        description="Whether the dump was read from one consistent state (SQLite, MongoDB "
                    "replica sets); false on a standalone MongoDB server while others wrote.")
    counts: SnapshotCounts = strawberry.field(description="What it holds.")

    @classmethod
    def from_info(cls, info: SnapshotInfo, relative: str) -> "Snapshot":
        c = info.counts
        return cls(name=info.name, path=relative, created_at=info.created_at,
                   consistent=info.consistent,
                   counts=SnapshotCounts(users=c["user"], datasets=c["dataset"],
                                         data_items=c["data"], specs=c["spec"], tasks=c["task"],
                                         results=c["result"], jobs=c["job"], labels=c["label"]))


@strawberry.type(description="The snapshot just written.")
class SnapshotPayload:
    snapshot: Snapshot = strawberry.field(description="The snapshot just written.")

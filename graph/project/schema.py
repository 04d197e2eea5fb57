"""Project fields: snapshots (admins)."""
from __future__ import annotations

import strawberry

from graph.permissions import IsAdmin
from graph.project.types import SnapshotPayload
from resolvers.project import snapshot_create


@strawberry.type
class ProjectMutation:
    snapshot: SnapshotPayload = strawberry.mutation(
        resolver=snapshot_create.snapshot, permission_classes=[IsAdmin],
        description="Write a consistent, dated, zipped dump of the whole store into "
                    "WORKSPACE/.pixano/snapshots/ (never served); restore it with "
                    "`pixano-graph restore`. Admins only.")

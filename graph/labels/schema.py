"""Label fields: reads for any logged-in user; writes for the item's holder or an admin."""
from __future__ import annotations

import strawberry

from graph.labels.types import LabelStatistics, Labels, SaveLabelsPayload
from graph.permissions import IsAuthenticated
from resolvers.labels import labels_save, queries


@strawberry.type
class LabelQuery:
    labels: Labels | None = strawberry.field(
        resolver=queries.labels, permission_classes=[IsAuthenticated],
        description="The item's labels; null when it has none.")
    label_statistics: LabelStatistics | None = strawberry.field(
        resolver=queries.label_statistics, permission_classes=[IsAuthenticated],
        description="Object count and count per category of the item's labels.")


@strawberry.type
class LabelMutation:
    save_labels: SaveLabelsPayload = strawberry.mutation(
        resolver=labels_save.save_labels, permission_classes=[IsAuthenticated],
        description="Replace the item's annotations (and refresh its statistics). Only the user "
                    "holding the item's current job (this refreshes their lease) or an admin.")

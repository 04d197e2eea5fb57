"""Result fields: reads for any logged-in user, batch status changes for admins."""
from __future__ import annotations

import strawberry

from graph.permissions import IsAdmin, IsAuthenticated
from graph.results.types import Result, ResultConnection, UpdateResultsPayload
from resolvers.results import queries, results_update


@strawberry.type
class ResultQuery:
    results: ResultConnection = strawberry.field(
        resolver=queries.results, permission_classes=[IsAuthenticated],
        description="A page of a task's results, filtered and sorted (DATA: data order; STATUS; "
                    "ASSIGNED: by annotator). `after` is a previous page's endCursor; `offset` "
                    "skips rows (legacy page numbers).")
    result: Result | None = strawberry.field(
        resolver=queries.result, permission_classes=[IsAuthenticated],
        description="The result of one data item of a task; null (with a NOT_FOUND error) if "
                    "unknown.")
    previous_result: Result | None = strawberry.field(
        resolver=queries.previous_result, permission_classes=[IsAuthenticated],
        description="The matching result just before this item in the sort order; null if none.")
    next_result: Result | None = strawberry.field(
        resolver=queries.next_result, permission_classes=[IsAuthenticated],
        description="The matching result just after this item in the sort order; null if none.")


@strawberry.type
class ResultMutation:
    update_results: UpdateResultsPayload = strawberry.mutation(
        resolver=results_update.update_results, permission_classes=[IsAdmin],
        description="Give these items a new job with `status` (none for done/discard), releasing "
                    "holds and queues; without status, only unassign them. Admins only.")

"""Subscription fields: the same permission as the matching queries (any logged-in user)."""
from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from graph.live.types import ResultChange, TaskProgress, WorkNotice
from graph.permissions import IsAuthenticated
from resolvers.live import subscriptions


@strawberry.type(description="Live updates over a WebSocket (graphql-transport-ws on /graphql).")
class LiveSubscription:
    task_progress: AsyncGenerator[TaskProgress, None] = strawberry.subscription(
        resolver=subscriptions.task_progress, permission_classes=[IsAuthenticated],
        description="The task's status counts and label totals: now, then each time they "
                    "change (coalesced: at most a few messages a second).")
    result_changed: AsyncGenerator[ResultChange, None] = strawberry.subscription(
        resolver=subscriptions.result_changed, permission_classes=[IsAuthenticated],
        description="Each change of one of the task's results (status, holder, annotator, "
                    "validator, labels saved): enough to update one row of a results table. "
                    "`result` is null when the row does not match `filter` (any more).")
    my_work: AsyncGenerator[WorkNotice, None] = strawberry.subscription(
        resolver=subscriptions.my_work, permission_classes=[IsAuthenticated],
        description="Work announced to you: a job queued for you (a rejection, with the "
                    "validator's comments), or a job of yours taken over after its lease expired.")

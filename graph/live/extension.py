"""Subscriptions run over the WebSocket door only.

Strawberry's HTTP view would also start a subscription sent with POST (as a plain execution,
which fails, or streamed as multipart/mixed): neither checks the session again as the socket
does, nor counts against the socket limits. This extension refuses any subscription whose
context was not made by the socket door (`Context.on_listening` is how the door follows it).
"""
from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graph.errors import ApiError, ErrorCode

OVER_HTTP = ("subscriptions run over a WebSocket on /graphql (graphql-transport-ws protocol); "
             "see docs/workflow.md")


class SubscriptionsOverSockets(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if (context.operation_type is OperationType.SUBSCRIPTION
                and getattr(context.context, "on_listening", None) is None):
            raise ApiError(ErrorCode.BAD_USER_INPUT, OVER_HTTP)

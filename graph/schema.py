"""The GraphQL schema: every domain's Query and Mutation fields merged into one.

Whatever door an operation comes through (`/graphql`, a REST route, `graph.execution.run_operation`),
Strawberry's `Schema.execute` runs it with these extensions: `OperationGuard` (limits, introspection
policy, document cache, masking of unexpected errors: `graph/guard.py`), and `process_errors` logs
what it masks. Every root mutation field first makes the request's DataLoaders forget what they
read (`graph.loaders.FreshLoaders`).
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import get_object_definition

from graph.datasets.schema import DatasetMutation, DatasetQuery
from graph.errors import should_mask
from graph.guard import OperationGuard
from graph.jobs.schema import JobMutation, JobQuery
from graph.labels.schema import LabelMutation, LabelQuery
from graph.node import Node
from graph.nodes import NodeQuery
from graph.live.extension import SubscriptionsOverSockets
from graph.live.schema import LiveSubscription
from graph.loaders import FreshLoaders
from graph.project.schema import ProjectMutation
from graph.results.schema import ResultMutation, ResultQuery
from graph.scalars import DATE_TIME
from graph.settings import MAX_PAGE_SIZE
from graph.specs.schema import SpecMutation, SpecQuery
from graph.tasks.schema import TaskMutation, TaskQuery
from graph.users.schema import UserMutation, UserQuery

QUERIES: tuple[type, ...] = (NodeQuery, UserQuery, DatasetQuery, SpecQuery, TaskQuery, JobQuery,
                             ResultQuery, LabelQuery)
MUTATIONS: tuple[type, ...] = (UserMutation, DatasetMutation, SpecMutation, TaskMutation,
                               JobMutation, ResultMutation, LabelMutation, ProjectMutation)

Query = merge_types("Query", QUERIES)
get_object_definition(Query, strict=True).description = (
    "Reads. Every lookup of one object is nullable: a missing one is null with a NOT_FOUND "
    "error at its path, and the rest of the answer still comes.")
Mutation = merge_types("Mutation", MUTATIONS)
get_object_definition(Mutation, strict=True).description = (
    "Writes, in the style `name(input: NameInput!): NamePayload!` for the job loop; admin-only "
    "ones say so.")
for mutation_field in get_object_definition(Mutation, strict=True).fields:
    mutation_field.extensions.append(FreshLoaders())  # each payload reads its own write's state

log = logging.getLogger("pixano_graph")


class PixanoSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Log the unexpected failures with their traceback (OperationGuard hides them from the
        client); expected ones (ours, syntax, validation, variables) are the caller's business."""
        for error in errors:
            if should_mask(error):
                log.error("unexpected error in %s", error.path, exc_info=error.original_error)


schema = PixanoSchema(query=Query, mutation=Mutation, subscription=LiveSubscription, types=[Node],
                      extensions=[OperationGuard, SubscriptionsOverSockets],
                      config=StrawberryConfig(relay_max_results=MAX_PAGE_SIZE,
                                              scalar_map={datetime: DATE_TIME}))

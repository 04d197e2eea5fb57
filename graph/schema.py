"""The GraphQL schema: every domain's Query and Mutation fields merged into one.

It carries no Strawberry extensions: operations run through `graph.execution`, which applies the
size limit, the introspection policy and error masking for both doors (/graphql and REST).
"""
from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from graph.datasets.schema import DatasetMutation, DatasetQuery
from graph.jobs.schema import JobMutation, JobQuery
from graph.labels.schema import LabelMutation, LabelQuery
from graph.node import Node
from graph.nodes import NodeQuery
from graph.project.schema import ProjectMutation
from graph.results.schema import ResultMutation, ResultQuery
from graph.specs.schema import SpecMutation, SpecQuery
from graph.tasks.schema import TaskMutation, TaskQuery
from graph.users.schema import UserMutation, UserQuery

QUERIES: tuple[type, ...] = (NodeQuery, UserQuery, DatasetQuery, SpecQuery, TaskQuery, JobQuery,
                             ResultQuery, LabelQuery)
MUTATIONS: tuple[type, ...] = (UserMutation, DatasetMutation, SpecMutation, TaskMutation,
                               JobMutation, ResultMutation, LabelMutation, ProjectMutation)

Query = merge_types("Query", QUERIES)
Query.__strawberry_definition__.description = (
    "Reads. Every lookup of one object is nullable: a missing one is null with a NOT_FOUND "
    "error at its path, and the rest of the answer still comes.")
Mutation = merge_types("Mutation", MUTATIONS)
Mutation.__strawberry_definition__.description = (
    "Writes, in the style `name(input: NameInput!): NamePayload!` for the job loop; admin-only "
    "ones say so.")


schema = strawberry.Schema(query=Query, mutation=Mutation, types=[Node])

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
from graph.live.schema import LiveSubscription
from graph.results.schema import ResultMutation, ResultQuery
from graph.specs.schema import SpecMutation, SpecQuery
from graph.tasks.schema import TaskMutation, TaskQuery
from graph.users.schema import UserMutation, UserQuery

QUERIES: tuple[type, ...] = (UserQuery, DatasetQuery, SpecQuery, TaskQuery, JobQuery, ResultQuery,
                             LabelQuery)
MUTATIONS: tuple[type, ...] = (UserMutation, DatasetMutation, SpecMutation, TaskMutation,
                               JobMutation, ResultMutation, LabelMutation)

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)


schema = strawberry.Schema(query=Query, mutation=Mutation, subscription=LiveSubscription)

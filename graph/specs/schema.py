"""Spec fields: reads for any logged-in user, writes for admins."""
from __future__ import annotations

import strawberry

from graph.pagination import Connection
from graph.permissions import IsAdmin, IsAuthenticated
from graph.specs.types import CreateSpecPayload, DeleteSpecPayload, Spec, UpdateSpecPayload
from resolvers.specs import queries, spec_create, spec_delete, spec_update


@strawberry.type
class SpecQuery:
    specs: Connection[Spec] = strawberry.field(resolver=queries.specs,
                                         permission_classes=[IsAuthenticated],
                                         description="Every label specification, oldest first.")
    spec: Spec | None = strawberry.field(
        resolver=queries.spec, permission_classes=[IsAuthenticated],
        description="One label specification by its specId; null (with a NOT_FOUND error) if "
                    "unknown.")


@strawberry.type
class SpecMutation:
    create_spec: CreateSpecPayload = strawberry.mutation(
        resolver=spec_create.create_spec, permission_classes=[IsAdmin],
        description="Create a label specification. Admins only.")
    update_spec: UpdateSpecPayload = strawberry.mutation(
        resolver=spec_update.update_spec, permission_classes=[IsAdmin],
        description="Replace labelSchema and settings; pluginName and dataType must stay the "
                    "same (BAD_USER_INPUT otherwise). Admins only.")
    delete_spec: DeleteSpecPayload = strawberry.mutation(
        resolver=spec_delete.delete_spec, permission_classes=[IsAdmin],
        description="Delete a label specification (CONFLICT while a task uses it). Admins only.")

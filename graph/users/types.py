"""GraphQL types of users (DbUser / RestUser without any password field)."""
from __future__ import annotations

import strawberry

from graph.enums import Role
from graph.jobs.loaders import assignments_loader
from graph.node import Node
from graph.scalars import JSON
from store.records import UserRecord


@strawberry.type(description="A user account. No field ever exposes the password or its hash.")
class User(Node):
    username: str = strawberry.field(description="Unique login name (natural key).")
    role: Role = strawberry.field(description="What the user may do.")
    preferences: JSON = strawberry.field(description="Free JSON object of UI preferences.")

    @strawberry.field(description='The jobs this user holds: {"<task>/<objective>": jobId}.')
    async def curr_assigned_jobs(self, info: strawberry.Info) -> JSON:
        return (await assignments_loader(info.context).load(self.username))["curr_assigned_jobs"]

    @strawberry.field(description="Corrections waiting for this user, in data order: "
                                  '{"<task>/to_correct": [jobId, ...]}.')
    async def queue(self, info: strawberry.Info) -> JSON:
        return (await assignments_loader(info.context).load(self.username))["queue"]

    @classmethod
    def from_record(cls, record: UserRecord) -> "User":
        return cls(username=record["username"], role=Role(record["role"]),
                   preferences=record.get("preferences") or {})

    def node_key(self) -> tuple[str, ...]:
        return (self.username,)


@strawberry.type(description="A new session: the user, and the token also set as the `token` cookie.")
class LoginPayload:
    user: User = strawberry.field(description="The logged-in user.")
    token: str = strawberry.field(
        description="Signed session token; send it as `Authorization: Bearer <token>` or rely on the cookie."
    )


@strawberry.input(description="A new account.")
class CreateUserInput:
    username: str = strawberry.field(
        description="1-64 characters: letters, digits, '_', '.', '@' or '-'.")
    password: str = strawberry.field(description="Not empty, at most 1024 characters.")
    role: Role = strawberry.field(default=Role.USER, description="USER unless given.")
    preferences: JSON | None = strawberry.field(
        default=None, description="Free JSON object of UI preferences.")


@strawberry.input(description="Changes to an account; omitted fields stay as they are.")
class UpdateUserInput:
    password: str | None = strawberry.field(default=None, description="A new password.")
    role: Role | None = strawberry.field(default=None, description="Admins only.")
    preferences: JSON | None = strawberry.field(
        default=None, description="New UI preferences (a JSON object), replacing the old ones.")

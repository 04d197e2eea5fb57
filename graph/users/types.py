"""GraphQL types of users (DbUser / RestUser without any password field)."""
from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph.enums import Objective, Role
from graph.jobs.types import Job
from graph.jobs.loaders import assignments_loader, job_loader
from graph.node import Node, encode_global_id
from graph.permissions import IsAdminOrSelf
from graph.scalars import JSON
from graph.tasks.types import WorkerStatistics
from store.records import UserRecord


@strawberry.type(description="A job a user holds, or one waiting for them.")
class Assignment:
    task_name: str = strawberry.field(description="The task's name.")
    objective: Objective = strawberry.field(description="What the job asks for.")
    job_id: strawberry.ID = strawberry.field(description="The job's jobId within the task.")

    @strawberry.field(description="The job itself.")
    async def job(self, info: strawberry.Info) -> Job | None:
        record = await job_loader(info.context).load((self.task_name, str(self.job_id)))
        return Job.from_record(record) if record else None

    @classmethod
    def of(cls, key: str, job_id: str) -> "Assignment":
        """From the store's `"<task>/<objective>"` key (task names hold no '/')."""
        task_name, _, objective = key.rpartition("/")
        return cls(task_name=task_name, objective=Objective(objective),
                   job_id=strawberry.ID(job_id))


@strawberry.type(description="A user account. No field ever exposes the password or its hash.")
class User(Node):
    username: str = strawberry.field(description="Unique login name (natural key).")
    role: Role = strawberry.field(description="What the user may do.")
    preferences: dict[str, Any] = strawberry.field(
        graphql_type=JSON, description="Free JSON object of UI preferences.")

    @strawberry.field(description="The jobs this user holds: at most one per task and lane.")
    async def assignments(self, info: strawberry.Info) -> list[Assignment]:
        held = (await assignments_loader(info.context).load(self.username))["curr_assigned_jobs"]
        return [Assignment.of(key, job_id) for key, job_id in sorted(held.items())]

    @strawberry.field(description="Corrections waiting for this user, per task in data order.")
    async def queue(self, info: strawberry.Info) -> list[Assignment]:
        queued = (await assignments_loader(info.context).load(self.username))["queue"]
        return [Assignment.of(key, job_id) for key in sorted(queued) for job_id in queued[key]]

    @strawberry.field(description="What this user did: items annotated and validated, and time "
                                  "spent, in every task or in one (zeros when nothing yet). "
                                  "Admins, or the user themself.",
                      permission_classes=[IsAdminOrSelf])
    async def statistics(
            self, info: strawberry.Info,
            task_name: Annotated[str | None, strawberry.argument(
                description="Only this task (null: every task).")] = None,
    ) -> WorkerStatistics:
        found = await info.context.store.get_worker_statistics(task_name, self.username)
        return WorkerStatistics.from_record(found[0]) if found else WorkerStatistics.nothing(
            self.username)

    @classmethod
    def from_record(cls, record: UserRecord) -> "User":
        return cls(username=record["username"], role=Role(record["role"]),
                   preferences=record.get("preferences") or {})

    def node_key(self) -> tuple[str, ...]:
        return (self.username,)


@strawberry.input(description="Credentials of an account.")
class LoginInput:
    username: str = strawberry.field(description="Your username.")
    password: str = strawberry.field(description="Your password.")


@strawberry.type(description="A new session: the user, and the token also set as the `token` cookie.")
class LoginPayload:
    user: User = strawberry.field(description="The logged-in user.")
    token: str = strawberry.field(
        description="Signed session token; send it as `Authorization: Bearer <token>` or rely on the cookie."
    )


@strawberry.type(description="This session is over (its token is refused from now on).")
class LogoutPayload:
    user: User | None = strawberry.field(
        description="The account whose session ended; null when the call carried no session "
                    "(the cookie is cleared all the same).")


@strawberry.input(description="Whose sessions to end.")
class LogoutEverywhereInput:
    username: str | None = strawberry.field(
        default=None, description="The account (default: your own); another's: admins only.")


@strawberry.type(description="Every session of the account is over; the account as it is now.")
class LogoutEverywherePayload:
    user: User = strawberry.field(description="The account whose sessions ended.")


@strawberry.input(description="A new account.")
class CreateUserInput:
    username: str = strawberry.field(
        description="1-64 characters: letters, digits, '_', '.', '@' or '-'.")
    password: str = strawberry.field(description="Not empty, at most 1024 characters.")
    role: Role = strawberry.field(default=Role.USER, description="USER unless given.")
    preferences: JSON | None = strawberry.field(
        default=None, description="Free JSON object of UI preferences.")


@strawberry.type(description="The account just created.")
class CreateUserPayload:
    user: User = strawberry.field(description="The new account.")


@strawberry.input(description="Changes to an account; omitted fields stay as they are.")
class UpdateUserInput:
    username: str = strawberry.field(description="The account's username.")
    password: str | None = strawberry.field(default=None, description="A new password.")
    role: Role | None = strawberry.field(default=None, description="Admins only.")
    preferences: JSON | None = strawberry.field(
        default=None, description="New UI preferences (a JSON object), replacing the old ones.")


@strawberry.type(description="The account as it is after the change.")
class UpdateUserPayload:
    user: User = strawberry.field(description="The changed account.")


@strawberry.input(description="The account to delete.")
class DeleteUserInput:
    username: str = strawberry.field(description="The account's username (never your own).")


@strawberry.type(description="The account that no longer exists, by its ids.")
class DeleteUserPayload:
    deleted_id: strawberry.ID = strawberry.field(
        description="The global id the account had: evict it from client caches.")
    deleted_username: str = strawberry.field(description="The username the account had.")

    @classmethod
    def of(cls, username: str) -> "DeleteUserPayload":
        return cls(deleted_id=strawberry.ID(encode_global_id(User.__name__, username)),
                   deleted_username=username)

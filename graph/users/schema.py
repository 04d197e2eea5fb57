"""User and session fields of the schema, with their declared permissions."""
from __future__ import annotations

import strawberry

from graph.pagination import Connection
from graph.permissions import IsAdmin, IsAdminOrSelf, IsAuthenticated
from graph.users.types import (CreateUserPayload, DeleteUserPayload, LoginPayload,
                               LogoutEverywherePayload, LogoutPayload, UpdateUserPayload, User)
from resolvers.users import (queries, user_create, user_delete, user_login, user_logout,
                             user_logout_everywhere, user_update)


@strawberry.type
class UserQuery:
    me: User = strawberry.field(resolver=queries.me, permission_classes=[IsAuthenticated],
                                description="The logged-in user's profile.")
    users: Connection[User] = strawberry.field(resolver=queries.users, permission_classes=[IsAdmin],
                                         description="Every account (admins only).")
    user: User | None = strawberry.field(
        resolver=queries.user, permission_classes=[IsAdminOrSelf],
        description="One account (admins, or the user themself); null (with a NOT_FOUND error) "
                    "if unknown.")


@strawberry.type
class UserMutation:
    login: LoginPayload = strawberry.mutation(
        resolver=user_login.login,
        description="Open a session: sets the httpOnly `token` cookie and returns the token.")
    logout: LogoutPayload = strawberry.mutation(
        resolver=user_logout.logout,
        description="Close this session: its token is refused from now on (and the cookie is "
                    "cleared). Takes no input: the session is the caller's own.")
    logout_everywhere: LogoutEverywherePayload = strawberry.mutation(
        resolver=user_logout_everywhere.logout_everywhere, permission_classes=[IsAuthenticated],
        description="End every session of an account (yours, or anyone's for admins): each "
                    "token issued before is refused from now on, on every instance.")
    create_user: CreateUserPayload = strawberry.mutation(
        resolver=user_create.create_user, permission_classes=[IsAdmin],
        description="Create an account (CONFLICT if it exists). Admins only.")
    update_user: UpdateUserPayload = strawberry.mutation(
        resolver=user_update.update_user, permission_classes=[IsAdminOrSelf],
        description="Change password, preferences or (admins) role.")
    delete_user: DeleteUserPayload = strawberry.mutation(
        resolver=user_delete.delete_user, permission_classes=[IsAdmin],
        description="Delete an account (never your own). Admins only.")

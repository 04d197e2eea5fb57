"""Permissions, declared on fields (`permission_classes=[IsAdmin]`) rather than coded inline.

A caller without a valid session gets UNAUTHENTICATED; a logged-in caller lacking the right gets
FORBIDDEN. REST maps these to 401 and 403.
"""
from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from graph.errors import ApiError, ErrorCode


def _require_login(info: Info) -> None:
    if info.context.user is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, "authentication required: log in first")


class _Permission(BasePermission):
    """Refusals are ApiErrors, so they carry our code and are never masked."""

    def on_unauthorized(self) -> None:
        raise ApiError(ErrorCode.FORBIDDEN, self.message or "not allowed")


class IsAuthenticated(_Permission):
    message = "authentication required: log in first"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        _require_login(info)
        return True


class IsAdmin(_Permission):
    message = "this operation is reserved to administrators"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        _require_login(info)
        return info.context.is_admin


class IsAdminOrSelf(_Permission):
    """Admins, or the user named by the field's `username` argument (a mutation's: its
    input's `username`; on a field of `User` without either: that user)."""

    message = "only an administrator or the user themself may do this"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        _require_login(info)
        if "username" in kwargs:
            username = kwargs["username"]
        elif "input" in kwargs:
            username = getattr(kwargs["input"], "username", None)
        else:
            username = getattr(source, "username", None)
        return info.context.is_admin or info.context.user["username"] == username

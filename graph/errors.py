"""The API's error codes: one small, documented set shared by GraphQL and the REST layer.

Resolvers raise `ApiError(code, message)`; GraphQL reports it with `extensions.code`, and the REST
layer maps the code to an HTTP status. Any other exception is masked as "Unexpected error." so no
stack trace, query or password ever reaches a client.
"""
from __future__ import annotations

from enum import Enum
from typing import Any

from graphql import GraphQLError


class ErrorCode(str, Enum):
    UNAUTHENTICATED = "UNAUTHENTICATED"  # no valid session: log in (HTTP 401)
    FORBIDDEN = "FORBIDDEN"  # logged in but not allowed (HTTP 403)
    NOT_FOUND = "NOT_FOUND"  # unknown user, dataset, spec, task, job, item (HTTP 404)
    BAD_USER_INPUT = "BAD_USER_INPUT"  # invalid argument; the message says which and why (HTTP 400)
    CONFLICT = "CONFLICT"  # already exists, or still in use (HTTP 409)
    JOB_DENIED = "JOB_DENIED"  # the job is not (or no longer) yours to update (HTTP 410)
    RATE_LIMITED = "RATE_LIMITED"  # too many failed logins; `retryAfter` seconds (HTTP 429)
    # The operation was refused before it ran (docs/security.md, "GraphQL limits"):
    DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE"  # over the size in bytes or tokens (HTTP 413)
    QUERY_LIMIT_EXCEEDED = "QUERY_LIMIT_EXCEEDED"  # too many aliases, repeats, levels, writes (400)
    COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"  # its computed cost is over the caller's budget (400)


class ApiError(GraphQLError):
    """An expected failure with a code from `ErrorCode`; its message is safe to show."""

    def __init__(self, code: ErrorCode, message: str, **details: Any) -> None:
        super().__init__(message, extensions={"code": code.value, **details})
        self.code = code


def is_expected(error: GraphQLError) -> bool:
    """Errors clients may see verbatim: ours, and GraphQL's own syntax, validation and variable
    coercion errors (a bad enum value or a wrong type in `variables` is the caller's mistake)."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


def should_mask(error: GraphQLError) -> bool:
    return not is_expected(error)

"""The API's error codes: one small, documented set shared by GraphQL and the REST layer.

Resolvers raise `ApiError(code, message)`; GraphQL reports it with `extensions.code`, and the REST
layer maps the code to an HTTP status. Any other exception is masked as "Unexpected error." so no
stack trace, query or password ever reaches a client.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
    # GraphQL's own refusals, so every error has a code and clients need one error path:
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"  # not GraphQL (syntax error, too long)
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"  # not valid against the schema
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"  # "Unexpected error." (details are logged)


class ApiError(GraphQLError):
    """An expected failure with a code from `ErrorCode`; its message is safe to show.

    A BAD_USER_INPUT naming its `field` also lists it in `fields` ([{field, message}]), the one
    shape clients read whether one field or several were refused (see `InputErrors`)."""

    def __init__(self, code: ErrorCode, message: str, **details: Any) -> None:
        if code is ErrorCode.BAD_USER_INPUT and "field" in details and "fields" not in details:
            details["fields"] = [{"field": details["field"], "message": message}]
        super().__init__(message, extensions={"code": code.value, **details})
        self.code = code


class InputErrors:
    """Every offending field of one input, refused at once: run each check in `check()`, then
    `raise_if_any()` raises one BAD_USER_INPUT whose `extensions.fields` lists them all."""

    def __init__(self) -> None:
        self.fields: list[dict[str, str]] = []

    @contextmanager
    def check(self, prefix: str = "") -> Iterator[None]:
        """Collect a BAD_USER_INPUT raised inside (its field under `prefix`, e.g. "spec.")."""
        try:
            yield
        except ApiError as error:
            if error.code is not ErrorCode.BAD_USER_INPUT:
                raise
            for item in (error.extensions or {}).get("fields") or [
                    {"field": "", "message": error.message}]:
                self.fields.append({"field": prefix + item["field"], "message": item["message"]})

    def raise_if_any(self) -> None:
        if not self.fields:
            return
        if len(self.fields) == 1:
            only = self.fields[0]
            raise ApiError(ErrorCode.BAD_USER_INPUT, only["message"], field=only["field"])
        raise ApiError(ErrorCode.BAD_USER_INPUT,
                       f"{len(self.fields)} fields are invalid: "
                       + "; ".join(f"{f['field']}: {f['message']}" for f in self.fields),
                       field=self.fields[0]["field"], fields=self.fields)


def is_expected(error: GraphQLError) -> bool:
    """Errors clients may see verbatim: ours, and GraphQL's own syntax, validation and variable
    coercion errors (a bad enum value or a wrong type in `variables` is the caller's mistake)."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


def should_mask(error: GraphQLError) -> bool:
    return not is_expected(error)


def with_code(error: GraphQLError, code: ErrorCode) -> GraphQLError:
    """`error` with `extensions.code` set to `code` unless it already has one (ours do)."""
    if (error.extensions or {}).get("code"):
        return error
    return GraphQLError(error.message, nodes=error.nodes, source=error.source,
                        positions=error.positions, path=error.path,
                        original_error=error.original_error,
                        extensions={**(error.extensions or {}), "code": code.value})

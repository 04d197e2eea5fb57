"""REST errors: one mapping from the API's error codes to HTTP statuses, one body shape.

Every failure answers `{"type": ..., "message": ...}`; `type` is the lower-cased error code
(`job_denied` is what the old server sent for 410, and legacy clients test for it).
"""
from __future__ import annotations

from aiohttp import web

from graph.errors import ErrorCode
from graph.jsonbody import json_response

STATUS_OF: dict[str, int] = {
    ErrorCode.UNAUTHENTICATED.value: 401,
    ErrorCode.FORBIDDEN.value: 403,
    ErrorCode.NOT_FOUND.value: 404,
    ErrorCode.BAD_USER_INPUT.value: 400,
    ErrorCode.CONFLICT.value: 409,
    ErrorCode.JOB_DENIED.value: 410,
    ErrorCode.RATE_LIMITED.value: 429,
    ErrorCode.DOCUMENT_TOO_LARGE.value: 413,
    ErrorCode.QUERY_LIMIT_EXCEEDED.value: 400,
    ErrorCode.COST_LIMIT_EXCEEDED.value: 400,
}

INTERNAL_MESSAGE = "Unexpected error."


class RestError(Exception):
    """A REST answer that is not a success: status, type and a message safe to show."""

    def __init__(self, status: int, type_: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message
        self.headers = headers or {}

    @classmethod
    def from_code(cls, code: str, message: str, conflict_status: int = 409) -> "RestError":
        status = STATUS_OF.get(code, 500)
        if code == ErrorCode.CONFLICT.value:
            status = conflict_status
        return cls(status, code.lower(), message)

    @classmethod
    def bad_input(cls, message: str) -> "RestError":
        return cls(400, ErrorCode.BAD_USER_INPUT.value.lower(), message)

    @classmethod
    def internal(cls) -> "RestError":
        return cls(500, "internal", INTERNAL_MESSAGE)

    def response(self) -> web.Response:
        return json_response({"type": self.type, "message": self.message},
                                 status=self.status, headers=self.headers)

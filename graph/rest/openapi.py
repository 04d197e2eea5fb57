"""The OpenAPI 3.1 description of /api/v1, generated from the route table (so it cannot drift)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.rest.shapes import COMPONENTS, ref
from graph.rest.spec import Body, JSONSchema, Route

_REASONS = {
    400: "Bad input: the message says what is wrong.",
    401: "Not logged in (or wrong credentials).",
    403: "Logged in, but not allowed.",
    404: "Unknown resource.",
    409: "Conflict: already exists, or still in use.",
    410: "Job denied: this job is not (or no longer) yours.",
    413: "The body is larger than this route accepts.",
    415: "The body is not JSON (a form's content type: refused against cross-site requests).",
    429: "Too many failed logins: wait for `Retry-After` seconds.",
    500: "Unexpected error.",
}
_SUCCESS = {200: "OK", 201: "Created", 204: "No Content"}


def body_schema(body: Body) -> JSONSchema:
    properties: dict[str, JSONSchema] = {}
    for field in body.fields:
        properties[field.name] = {**field.schema, **({"description": field.description}
                                                     if field.description else {})}
        for alias in field.aliases:
            properties[alias] = {**field.schema, "description": f"alias of `{field.name}`"}
    schema: JSONSchema = {"type": "object", "properties": properties,
                          "description": (body.description + " " if body.description else "")
                          + "Unknown fields are ignored."}
    required = [f.name for f in body.fields if f.required and not f.aliases]
    if required:
        schema["required"] = required
    either = [{"anyOf": [{"required": [n]} for n in (f.name, *f.aliases)]}
              for f in body.fields if f.required and f.aliases]
    if either:
        schema["allOf"] = either
    return schema


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.name,
        "summary": route.summary,
        "tags": [route.tag] if route.tag else [],
        "x-graphql": route.operation.source.strip(),
    }
    if route.description:
        operation["description"] = route.description
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in route.path_params]
    for param in route.params:
        schema = dict(param.schema)
        if param.enum:
            schema["description"] = "one of " + ", ".join(param.enum) + "; `;` separates alternatives"
        parameters.append({"name": param.name, "in": "query", "required": False,
                           "description": param.description, "schema": schema})
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": ref(route.body.name)}}}
    success: dict[str, Any] = {"description": _SUCCESS.get(route.status, "Success")}
    if route.status != 204 and route.response is not None:
        success["content"] = {"application/json": {"schema": route.response}}
    responses: dict[str, Any] = {str(route.status): success}
    statuses = set(route.errors) | {500}
    if route.body is not None:  # every body is read by graph.bodies, with these refusals
        statuses |= {400, 413, 415}
    for status in sorted(statuses):
        responses[str(status)] = {"description": _REASONS[status],
                                  "content": {"application/json": {"schema": ref("Error")}}}
    operation["responses"] = responses
    if route.public:
        operation["security"] = []
    return operation


def openapi_document(routes: Iterable[Route]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, JSONSchema] = dict(COMPONENTS)
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
        if route.body is not None:
            schemas[route.body.name] = body_schema(route.body)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pixano legacy REST API",
            "version": "1",
            "description": "The legacy REST API of the Pixano annotation server, kept for old "
                           "scripts and the old frontend. Each operation runs the GraphQL "
                           "operation shown as `x-graphql` (POST /graphql offers all of them "
                           "and more). Paths work with or without a trailing slash.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"cookieAuth": []}, {"bearerAuth": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "token",
                               "description": "Set by POST /login."},
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "The same token, as `Authorization: Bearer`."},
            },
        },
    }

"""The vocabulary of the REST table: a route, its request body fields and query parameters.

A `Route` says everything about one legacy endpoint: the GraphQL document it runs, how the path,
query string and body become that document's variables, how the GraphQL data becomes the legacy
JSON body, and the success status. The generic handler (`dispatch.py`) executes routes and the
OpenAPI generator (`openapi.py`) describes them, both from these same objects, so the published
description cannot drift from what the server does.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


from graph.bodies import MAX_BODY_BYTES
from graph.rest.errors import RestError
from graph.rest.execute import Operation, compile_operation

JSONSchema = dict[str, Any]


@dataclass(frozen=True)
class Field:
    """One property of a JSON request body (snake_case, as in the API document)."""

    name: str
    schema: JSONSchema
    required: bool = False
    # Other spellings accepted on input (the document's and the old server's): `pwd` for `password`.
    aliases: tuple[str, ...] = ()
    description: str = ""
    example: Any = None  # for docs/rest.md (default: made up from the schema)
    in_example: bool = True  # False: left out of docs/rest.md's example body (a refused field)


@dataclass(frozen=True)
class Body:
    """A JSON object request body; `name` is its schema's name in the OpenAPI components."""

    name: str
    fields: tuple[Field, ...]
    description: str = ""

    def read(self, raw: Any) -> dict[str, Any]:
        """The declared fields of `raw`, under their canonical names, type-checked.

        Unknown fields are ignored (old clients send whole records back); a missing required
        field or a value of the wrong type is a 400 that names the field.
        """
        if not isinstance(raw, dict):
            raise RestError.bad_input(f"the request body must be a JSON object ({self.name})")
        values: dict[str, Any] = {}
        for spec in self.fields:
            spelling = next((n for n in (spec.name, *spec.aliases) if n in raw), None)
            if spelling is None:
                if spec.required:
                    names = " or ".join(repr(n) for n in (spec.name, *spec.aliases))
                    raise RestError.bad_input(f"body field {names} is required")
                continue
            check_value(raw[spelling], spec.schema, f"body field {spelling!r}")
            values[spec.name] = raw[spelling]
        return values


@dataclass(frozen=True)
class Param:
    """One query-string parameter; `kind` is "string" or "integer" (parsed, else 400; empty or
    `undefined` is not given)."""

    name: str
    description: str
    kind: str = "string"
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None

    def read(self, query: Mapping[str, str]) -> Any:
        raw = query.get(self.name)
        # A JavaScript client that never set a number sends `undefined` (the old web app's
        # annotator dashboard does: `page=undefined&count=undefined`): that is "not given".
        if raw is None or raw == "" or (self.kind == "integer" and raw == "undefined"):
            return None
        if self.kind == "integer":
            try:
                value: Any = int(raw)
            except ValueError as exc:
                raise RestError.bad_input(
                    f"query parameter {self.name!r} must be an integer, got {raw!r}") from exc
            if self.minimum is not None and value < self.minimum:
                raise RestError.bad_input(
                    f"query parameter {self.name!r} must be at least {self.minimum}, got {value}")
            if self.maximum is not None and value > self.maximum:
                raise RestError.bad_input(
                    f"query parameter {self.name!r} must be at most {self.maximum}, got {value}")
            return value
        if self.enum:
            for part in raw.split(";"):
                if part and part not in self.enum:
                    raise RestError.bad_input(f"query parameter {self.name!r} must be one of "
                                              f"{', '.join(self.enum)}; got {part!r}")
        return raw

    @property
    def schema(self) -> JSONSchema:
        schema: JSONSchema = {"type": self.kind}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema


@dataclass(frozen=True)
class Call:
    """What one request brings: path parameters, query string, and the declared body fields."""

    path: dict[str, str]
    query: Mapping[str, str]
    body: dict[str, Any]
    params: dict[str, Any]  # the route's declared query parameters, parsed


def _no_variables(call: Call) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Route:
    """One legacy endpoint, as a translation onto one GraphQL operation.

    `operation` is parsed and validated against the schema when the route is declared (import
    time), never per request: a route naming a field that does not exist fails to import.
    """

    name: str  # the OpenAPI operationId
    method: str
    path: str  # under /api/v1, with {placeholders}
    summary: str
    document: str
    variables: Callable[[Call], dict[str, Any]] = _no_variables
    # GraphQL data -> legacy JSON body (None: no body, e.g. 204).
    result: Callable[[Any, Call], Any] | None = None
    # Cursor walking, for legacy listings that have no page size limit: given the datas of the
    # executions so far, the variables of the next one (None: done). `result` then gets the list.
    follow: Callable[[list[dict[str, Any]], Call], dict[str, Any] | None] | None = None
    status: int = 200
    body: Body | None = None
    params: tuple[Param, ...] = ()
    response: JSONSchema | None = None  # schema of the success body, for the OpenAPI document
    # Statuses the route can answer besides success, for the OpenAPI document.
    errors: tuple[int, ...] = (400, 401, 403, 404)
    # CONFLICT is 409, except where the API document says 400 (existing user, existing task).
    conflict_status: int = 409
    public: bool = False  # works without a session (login, logout)
    # Largest body accepted (413 beyond): routes that never need much say so (login).
    max_body: int = MAX_BODY_BYTES
    description: str = ""  # longer notes for the OpenAPI document and docs/rest.md
    tag: str = ""
    operation: Operation = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.status != 204 and self.result is None:
            raise ValueError(f"route {self.name}: a {self.status} answer needs a result mapping")
        object.__setattr__(self, "operation", compile_operation(self.document, self.name))

    @property
    def changes_state(self) -> bool:
        """Whether the route runs a mutation (so a cross-site caller must not trigger it)."""
        return self.operation.is_mutation

    @property
    def path_params(self) -> list[str]:
        return [s[1:-1] for s in self.path.strip("/").split("/") if s.startswith("{")]


# ---- a tiny checker for the JSON Schema subset the table uses ----

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "boolean": (bool,), "object": (dict,), "array": (list,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}


def check_value(value: Any, schema: JSONSchema, where: str) -> None:
    """400 unless `value` fits `schema` (type, enum, array items; `{}` accepts anything)."""
    types = schema.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else list(types)
        ok = any(isinstance(value, _JSON_TYPES[t]) and not (t in ("integer", "number") and isinstance(value, bool))
                 for t in allowed)
        if not ok:
            raise RestError.bad_input(f"{where} must be {' or '.join(_a(t) for t in allowed)}, "
                                      f"got {_json_kind(value)}")
    if "enum" in schema and value not in schema["enum"]:
        raise RestError.bad_input(f"{where} must be one of {', '.join(map(str, schema['enum']))}; "
                                  f"got {value!r}")
    if "oneOf" in schema:
        for option in schema["oneOf"]:
            try:
                check_value(value, option, where)
                break
            except RestError:
                continue
        else:
            raise RestError.bad_input(f"{where} has the wrong type ({_json_kind(value)})")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            check_value(item, schema["items"], f"{where}[{index}]")
    if isinstance(value, dict) and "properties" in schema:
        for name in schema.get("required", ()):
            if name not in value:
                raise RestError.bad_input(f"{where[:-1]}.{name}' is required")
        for name, sub in schema["properties"].items():
            if name in value:
                check_value(value[name], sub, f"{where[:-1]}.{name}'")


def _a(json_type: str) -> str:
    return {"array": "an array", "object": "an object", "integer": "an integer",
            "null": "null"}.get(json_type, f"a {json_type}")


def _json_kind(value: Any) -> str:
    for name, types in _JSON_TYPES.items():
        if isinstance(value, types) and not (name in ("integer", "number") and isinstance(value, bool)):
            return _a(name)
    return type(value).__name__

"""Global object identification (the Relay server specification): the `Node` interface.

Every entity type implements `Node`: its `id` is globally unique and opaque, made of the type
name and the entity's natural key (a task's name, a data item's dataset and data id …), so a
normalised client cache (urql, Apollo, Relay) keys every object without hand-written rules, and
`node(id:)` finds any of them again. Natural keys stay plain fields (`name`, `dataId`, …): ids are
never parsed by clients.
"""
from __future__ import annotations

import base64
import binascii
import json
import strawberry

from graph.errors import ApiError, ErrorCode


def encode_global_id(type_name: str, *key: str) -> str:
    """`type_name` and the natural key, as URL-safe base64 of a JSON list (unpadded)."""
    raw = json.dumps([type_name, *key], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_global_id(global_id: str, field: str = "id") -> tuple[str, list[str]]:
    """(type name, natural key) of an id made by `encode_global_id`; BAD_USER_INPUT otherwise."""
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        parts = json.loads(raw)
        if (not isinstance(parts, list) or len(parts) < 2
                or not all(isinstance(p, str) for p in parts)):
            raise ValueError(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(ErrorCode.BAD_USER_INPUT, f"{global_id!r} is not an id of this API: pass "
                       "the `id` field of an object", field=field) from exc
    return parts[0], parts[1:]


@strawberry.interface(description="An object with a globally unique id: the cache key of "
                                  "normalised clients, and the argument of `node(id:)`.")
class Node:
    @strawberry.field(description="Globally unique, opaque identifier of this object. Stable: "
                                  "the same object always has the same id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_global_id(type(self).__name__, *self.node_key()))

    def node_key(self) -> tuple[str, ...]:
        """The natural key of the object, in the order `node(id:)` resolves it."""
        raise NotImplementedError

"""Label specifications (issue 3)."""
from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from store.records import SpecRecord
from store.repositories.datasets import DeleteOutcome


def spec_content_hash(spec: SpecRecord | dict[str, Any]) -> str:
    """A digest of what makes two specs equal (everything but the id), over canonical JSON.

    Stored beside each spec and indexed, so "is there already a spec like this one?" (task
    creation reuses equal specs) is one index lookup, whatever the size of the label schemas.
    """
    content = {
        "plugin_name": spec["plugin_name"],
        "data_type": spec["data_type"],
        "label_schema": spec["label_schema"],
        "settings": spec.get("settings"),
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class SpecRepository(ABC):
    """Label specifications. `plugin_name` and `data_type` never change once stored."""

    @abstractmethod
    async def create_spec(self, spec: SpecRecord) -> SpecRecord:
        """Store a new spec (its content may equal another's); DuplicateKeyError if the id exists."""

    @abstractmethod
    async def get_or_create_spec(self, spec: SpecRecord) -> tuple[SpecRecord, bool]:
        """The existing spec of equal content (and False), or `spec` newly stored (and True)."""

    @abstractmethod
    async def find_equal_spec(self, spec: SpecRecord | dict[str, Any]) -> SpecRecord | None:
        """A stored spec whose content (all but the id) equals `spec`'s, or None."""

    @abstractmethod
    async def get_spec(self, spec_id: str) -> SpecRecord | None:
        """The spec, or None when unknown."""

    @abstractmethod
    async def get_specs(self, spec_ids: Sequence[str]) -> list[SpecRecord | None]:
        """Many specs in one round trip, in the order asked (None for unknown ids)."""

    @abstractmethod
    async def list_specs(self) -> list[SpecRecord]:
        """All specs, oldest first."""

    @abstractmethod
    async def update_spec(self, spec_id: str, label_schema: Any, settings: Any) -> SpecRecord | None:
        """Replace the label schema and settings (None removes the settings); the updated spec,
        or None when unknown. The immutable plugin_name/data_type are not touched."""

    @abstractmethod
    async def delete_spec(self, spec_id: str) -> DeleteOutcome:
        """Remove the spec unless a task uses it (IN_USE, nothing removed)."""

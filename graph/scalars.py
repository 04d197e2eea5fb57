"""Scalars: free JSON (label schemas, annotations, preferences) passes through untouched."""
from __future__ import annotations

from strawberry.scalars import JSON

__all__ = ["JSON"]

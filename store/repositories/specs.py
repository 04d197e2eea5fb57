"""Label specifications (issue 3)."""
from __future__ import annotations

from abc import ABC


class SpecRepository(ABC):
    """Label specifications."""

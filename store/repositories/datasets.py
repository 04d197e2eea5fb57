"""Datasets and their data items (issue 3)."""
from __future__ import annotations

from abc import ABC


class DatasetRepository(ABC):
    """Datasets (folders of the workspace) and the data items scanned from them."""

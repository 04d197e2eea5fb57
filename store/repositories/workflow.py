"""Tasks, jobs, results, labels and label statistics (issue 4)."""
from __future__ import annotations

from abc import ABC


class WorkflowRepository(ABC):
    """Tasks and the annotation workflow of their items."""

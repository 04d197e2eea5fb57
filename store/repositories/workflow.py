"""Tasks, jobs, results, labels and label statistics (issue 4)."""
from __future__ import annotations

from abc import ABC, abstractmethod


class WorkflowRepository(ABC):
    """Tasks and the annotation workflow of their items."""

    @abstractmethod
    async def count_tasks_using(self, *, dataset_id: str | None = None,
                                spec_id: str | None = None) -> int:
        """How many tasks use this dataset or spec (refuse deleting what is still in use)."""

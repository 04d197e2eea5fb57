"""The REST table, one module per domain; `ROUTES` is all of it, in documentation order."""
from __future__ import annotations

from graph.rest.routes import datasets, project, specs, tasks, users, workflow
from graph.rest.spec import Route

ROUTES: tuple[Route, ...] = (*users.ROUTES, *datasets.ROUTES, *specs.ROUTES, *tasks.ROUTES,
                             *workflow.ROUTES, *project.ROUTES)

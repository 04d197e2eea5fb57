"""The REST table, one module per domain; `ROUTES` is all of it, in documentation order."""
from __future__ import annotations

from graph.rest.routes import users
from graph.rest.spec import Route

ROUTES: tuple[Route, ...] = (*users.ROUTES,)

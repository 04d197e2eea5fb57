"""`pixano-graph export|import WORKSPACE PATH`: the API's task export and import, run directly on
the workspace's store (the embedded SQLite database, or MongoDB with --mongodb-uri), with a
progress bar. PATH means what it means in the API: a folder relative to the workspace (an
absolute path inside the workspace is accepted too).

Exit codes: 0 done; 2 refused (bad arguments, a path out of the workspace, a wrong file: the
message says which, and nothing was written); 1 the store or the file system failed.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from graph.errors import ApiError
from graph.settings import Settings
from resolvers.tasks.tasks_export import run_export
from resolvers.tasks.tasks_import import run_import
from store import Store, StoreError, open_store


@dataclass
class LocalContext:
    """What export and import read from a request's context, for a run without a server."""

    store: Store
    settings: Settings

    def now(self) -> float:
        """To the millisecond, as the server's (`graph.services.Services.now`)."""
        return round(self.settings.clock(), 3)


def add_commands(commands: argparse._SubParsersAction) -> None:
    for name, what in (("export", "write every task into PATH (Pixano JSON layout)"),
                       ("import", "create the tasks of PATH (Pixano JSON layout)")):
        command = commands.add_parser(name, help=what)
        command.add_argument("workspace", type=Path, help="the workspace folder the server serves")
        command.add_argument("path", help="a folder relative to the workspace, e.g. exports/day1")
        command.add_argument("--mongodb-uri", default=None,
                             help="the server's MongoDB (default: $MONGODB_URI; else the "
                                  "workspace's embedded SQLite store)")


def run(args: argparse.Namespace) -> int:
    if not args.workspace.is_dir():
        return _fail(f"the workspace {args.workspace} does not exist or is not a folder", 2)
    try:
        settings = Settings.from_env(args.workspace, mongodb_uri=args.mongodb_uri)
    except ValueError as exc:
        return _fail(str(exc), 2)
    return asyncio.run(_run(args.command, settings, _relative(args.path, settings.workspace)))


def _relative(path: str, workspace: Path) -> str:
    """An absolute path inside the workspace, made relative; anything else as given (the API's
    checks refuse what is outside)."""
    if not os.path.isabs(path):
        return path
    real, root = Path(os.path.realpath(path)), Path(os.path.realpath(workspace))
    return real.relative_to(root).as_posix() if root in real.parents else path


async def _run(command: str, settings: Settings, path: str) -> int:
    store = open_store(settings.state_dir, settings.mongodb_uri, settings.mongodb_database)
    try:
        await store.open()
    except (StoreError, OSError) as exc:
        return _fail(str(exc), 1)
    ctx = LocalContext(store, settings)
    try:
        if command == "export":
            report = await run_export(ctx, path, show_progress=True)
            print(f"exported {len(report.tasks)} task(s), {report.item_count} item file(s), to "
                  f"{report.path} in {settings.workspace}")
        else:
            imported = await run_import(ctx, path, show_progress=True)
            names = ", ".join(task["name"] for task in imported.tasks)
            print(f"imported {len(imported.tasks)} task(s) ({names}) with "
                  f"{imported.item_count} annotation file(s) from {imported.path}")
            for requested, name in imported.renamed:
                print(f"  {requested!r} was taken: imported as {name!r}")
    except ApiError as exc:
        return _fail(exc.message, 2)
    except (StoreError, OSError) as exc:
        return _fail(str(exc), 1)
    finally:
        await store.close()
    return 0


def _fail(message: str, code: int) -> int:
    print(f"pixano-graph: {message}", file=sys.stderr)
    return code

"""`pixano-graph`: serve a workspace, build the demo one, export or import its tasks, migrate a
pixano-app database, restore a snapshot."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from collections.abc import Awaitable, Callable
from typing import Any

from graph import cli_store
from graph.demo import build_demo_workspace
from graph.settings import Settings
from graph.transfer_cli import add_commands as add_transfer_commands
from graph.transfer_cli import run as run_transfer
from graph.workers import default_workers, serve_workers
from resolvers.project.guard import describe_content
from resolvers.project.migrate import has_old_database
from store import Store, StoreError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pixano-graph",
                                     description="GraphQL + legacy REST annotation server.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve a workspace folder")
    serve.add_argument("workspace", type=Path, help="folder holding the datasets (and .pixano/)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    serve.add_argument("--mongodb-uri", default=None,
                       help="use MongoDB at this URI instead of the embedded SQLite store "
                            "(default: $MONGODB_URI)")
    serve.add_argument("--workers", type=int, default=None, metavar="N",
                       help="server processes sharing the port (default: the number of cores; "
                            "1: one process)")
    serve.add_argument("--job-lease", type=float, default=None, metavar="SECONDS",
                       help="a held job untouched this long may be taken by others "
                            "(default: $PIXANO_JOB_LEASE or 3600)")

    demo = commands.add_parser("demo", help="create a small demo workspace of generated images")
    demo.add_argument("workspace", type=Path)
    demo.add_argument("--count", type=int, default=36)
    add_transfer_commands(commands)
    cli_store.add_parsers(commands)
    return parser


def _unwritable(settings: Settings) -> str | None:
    """Why the server could not keep its private files in the workspace, or None."""
    probe = settings.state_dir / ".write-probe"
    try:
        settings.state_dir.mkdir(exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _serve(args: argparse.Namespace) -> int:
    workspace: Path = args.workspace
    if not workspace.is_dir():
        print(f"pixano-graph: the workspace {workspace} does not exist or is not a folder",
              file=sys.stderr)
        return 2
    try:
        settings = Settings.from_env(workspace, host=args.host, port=args.port,
                                     mongodb_uri=args.mongodb_uri,
                                     job_lease_seconds=args.job_lease)
    except ValueError as exc:
        print(f"pixano-graph: {exc}", file=sys.stderr)
        return 2
    problem = _unwritable(settings)
    if problem:
        print(f"pixano-graph: the workspace {settings.workspace} is not writable: the server keeps "
              f"its database and signing secret in {settings.state_dir} ({problem})", file=sys.stderr)
        return 1
    workers = default_workers() if args.workers is None else args.workers
    if workers < 1:
        print("pixano-graph: --workers must be 1 or more", file=sys.stderr)
        return 2

    def serving(health: dict[str, Any], port: int) -> str:
        where = health.get("path") or health.get("database")
        return (f"pixano-graph serving {settings.workspace} on http://{settings.host}:{port}"
                f" (GraphQL: /graphql, REST: /api/v1) with the {health['engine']} store ({where})")

    async def hint(store: Store) -> str | None:
        """Where the workspace still holds a pixano-app database and the store is empty."""
        if has_old_database(settings.workspace) and await describe_content(store) is None:
            return (f"pixano-graph: {settings.workspace} holds a pixano-app database (db.ldb) and "
                    f"the store is empty: stop the server and run `pixano-graph migrate "
                    f"{settings.workspace}` to bring its users, datasets and tasks over")
        return None

    try:
        if workers > 1:
            return serve_workers(settings, workers, serving, hint)
        _serve_one(settings, serving, hint)
    except StoreError as exc:
        print(f"pixano-graph: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"pixano-graph: cannot start: {exc}", file=sys.stderr)
        return 1
    return 0


def _serve_one(settings: Settings, serving: Callable[[dict[str, Any], int], str],
               hint: Callable[[Store], Awaitable[str | None]]) -> None:
    """`--workers 1`: this process serves, on one event loop."""
    # Imported here: with several workers, prometheus_client must be imported after the
    # multiprocess folder is set (graph.workers).
    from aiohttp import web

    from graph.app import create_app
    from graph.heap import freeze_on_startup
    from graph.services import SERVICES

    app = create_app(settings)

    async def announce(app: web.Application) -> None:
        store = app[SERVICES].store
        print(serving(await store.health(), settings.port), flush=True)
        message = await hint(store)
        if message:
            print(message, flush=True)

    app.on_startup.append(announce)
    freeze_on_startup(app)
    # The keep-alive timer also closes connections that trickle their headers (slowloris).
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None,
                keepalive_timeout=settings.keepalive_timeout)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command in ("export", "import"):
        return run_transfer(args)
    if args.command in ("migrate", "restore"):
        return cli_store.run(args)
    count = build_demo_workspace(args.workspace, args.count)
    print(f"demo workspace ready: {args.workspace} ({count} images in images/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

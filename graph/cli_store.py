"""`pixano-graph migrate` and `pixano-graph restore`: whole-store commands, run with the server
stopped (they replace the store's content; see Store.load)."""
from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from graph.settings import Settings
from resolvers.project.guard import StoreNotEmptyError
from resolvers.project.legacy_db import LegacyDatabaseError
from resolvers.project.migrate import migrate
from resolvers.project.snapshot import SnapshotError, restore_snapshot
from store import Store, StoreError, open_store

StoreFactory = Callable[[Settings], Store]


def default_store(settings: Settings) -> Store:
    return open_store(settings.state_dir, settings.mongodb_uri, settings.mongodb_database)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    mongo_help = ("use MongoDB at this URI instead of the embedded SQLite store "
                  "(default: $MONGODB_URI)")
    migrate_ = commands.add_parser(
        "migrate", help="bring a pixano-app workspace's database (db.ldb) into this server's store")
    migrate_.add_argument("workspace", type=Path, help="the workspace holding db.ldb")
    migrate_.add_argument("--mongodb-uri", default=None, help=mongo_help)
    migrate_.add_argument("--dry-run", action="store_true",
                          help="read and check everything, report, write nothing")
    migrate_.add_argument("--force", action="store_true",
                          help="replace whatever the store already holds")
    restore = commands.add_parser("restore", help="replace the store's content by a snapshot")
    restore.add_argument("workspace", type=Path)
    restore.add_argument("snapshot", type=Path, help="a snapshot zip (WORKSPACE/.pixano/snapshots/)")
    restore.add_argument("--mongodb-uri", default=None, help=mongo_help)
    restore.add_argument("--force", action="store_true",
                         help="replace whatever the store already holds")


def run(args: argparse.Namespace, store_factory: StoreFactory = default_store) -> int:
    if not args.workspace.is_dir():
        print(f"pixano-graph: the workspace {args.workspace} does not exist or is not a folder",
              file=sys.stderr)
        return 2
    try:
        settings = Settings.from_env(args.workspace, mongodb_uri=args.mongodb_uri)
    except ValueError as exc:
        print(f"pixano-graph: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(run_async(args, settings, store_factory))


async def run_async(args: argparse.Namespace, settings: Settings,
                    store_factory: StoreFactory = default_store) -> int:
    """The command on an opened store (tests call this with their own store factory)."""
    dry_run = args.command == "migrate" and args.dry_run
    store = None if dry_run else store_factory(settings)
    try:
        if store is not None:
            await store.open()
        if args.command == "migrate":
            report = await migrate(settings.workspace, store, force=args.force,
                                   scratch_dir=settings.state_dir if store else None)
            print("\n".join(report.lines()), flush=True)
        else:
            counts = await restore_snapshot(store, args.snapshot, force=args.force)  # type: ignore[arg-type]
            print("restored " + ", ".join(f"{n} {kind}" for kind, n in counts.items()), flush=True)
    except (StoreNotEmptyError, LegacyDatabaseError, SnapshotError, StoreError) as exc:
        print(f"pixano-graph: {exc}", file=sys.stderr)
        return 1
    finally:
        if store is not None:
            await store.close()
    return 0

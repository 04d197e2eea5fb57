"""Whether a store may be overwritten by a migration or a restore."""
from __future__ import annotations

from graph.bootstrap import ADMIN_USERNAME
from store import Store


class StoreNotEmptyError(Exception):
    """The store holds data a migration or restore would replace, and `--force` was not given."""


async def describe_content(store: Store) -> str | None:
    """What the store holds that a load would replace, in words; None when it is empty.

    Empty means no dataset, spec or task, and no user but the `admin` account a first start
    creates (a server started once on the workspace before migrating is still empty)."""
    users = await store.list_users()
    datasets, specs, tasks = (await store.list_datasets(), await store.list_specs(),
                              await store.list_tasks())
    if not (datasets or specs or tasks) and [u["username"] for u in users] in ([], [ADMIN_USERNAME]):
        return None
    origin = await store.read_meta("origin")
    where = ""
    if isinstance(origin, dict) and origin.get("source"):
        where = (f"; loaded from {origin['source']} {origin.get('path', '')}"
                 f" at {origin.get('at', '?')}")
    return (f"{len(users)} users, {len(datasets)} datasets, {len(specs)} specs, "
            f"{len(tasks)} tasks{where}")


async def refuse_unless_empty(store: Store, force: bool, action: str) -> None:
    content = await describe_content(store)
    if content is not None and not force:
        raise StoreNotEmptyError(
            f"the store already holds data ({content}); {action} would replace all of it. "
            "Nothing was changed. Run again with --force to replace it.")

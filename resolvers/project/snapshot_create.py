"""`snapshot` (admins): a dated zip of the whole store in the workspace's private folder."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from typing import Annotated

import strawberry

from graph.errors import ApiError, ErrorCode
from graph.project.types import Snapshot, SnapshotInput, SnapshotPayload
from resolvers.project.snapshot import take_snapshot

log = logging.getLogger("pixano_graph")


async def snapshot(
        info: strawberry.Info,
        input: Annotated[SnapshotInput, strawberry.argument(
            description="An optional note; no URL.")],
) -> SnapshotPayload:
    if input.url is not None:
        raise ApiError(ErrorCode.BAD_USER_INPUT, "snapshots are written into the workspace "
                       "(.pixano/snapshots/) only: the server never sends data to a URL on a "
                       "caller's behalf; remove `url`", field="url")
    settings = info.context.settings
    created = datetime.fromtimestamp(info.context.now(), timezone.utc)
    try:
        taken = await take_snapshot(info.context.store, settings.state_dir, created, input.note)
    except OSError as exc:
        log.error("snapshot failed: %s", exc)
        raise ApiError(ErrorCode.CONFLICT, "the snapshot could not be written in the workspace "
                       f"({exc.strerror or exc}); nothing was kept") from exc
    relative = taken.path.relative_to(settings.workspace).as_posix()
    log.info("snapshot %s written (%s)", taken.name, info.context.user["username"])
    return SnapshotPayload(snapshot=Snapshot.from_info(taken, relative))

"""Project snapshot: the old admin screen's "Snapshot" button."""
from __future__ import annotations

from typing import Any

from graph.rest.shapes import ANY, BOOLEAN, INTEGER, STRING, obj
from graph.rest.spec import Body, Call, Field, Route

SNAPSHOT_BODY = Body("RestSnapshotInput", (
    Field("note", STRING, description="kept in the snapshot's manifest"),
    Field("url", ANY, description="refused (400): the old server could post the database to an "
                                  "external search engine; this one never sends data anywhere"),
), "Optional; the old app sends no body.")


def _snapshot_variables(call: Call) -> dict[str, Any]:
    url = call.body.get("url")
    return {"input": {"note": call.body.get("note"),
                      "url": None if url is None else str(url)}}


SNAPSHOT_RESPONSE = obj({"name": STRING, "path": STRING, "created_at": STRING,
                         "consistent": BOOLEAN,
                         "counts": obj({k: INTEGER for k in ("users", "datasets", "data", "specs",
                                                              "tasks", "results", "jobs",
                                                              "labels")})},
                        ["name", "path", "created_at", "consistent", "counts"],
                        "The snapshot written.")


def _snapshot_result(data: dict[str, Any], call: Call) -> dict[str, Any]:
    snapshot = data["snapshot"]["snapshot"]
    counts = snapshot["counts"]
    return {"name": snapshot["name"], "path": snapshot["path"],
            "created_at": snapshot["createdAt"], "consistent": snapshot["consistent"],
            "counts": {"users": counts["users"], "datasets": counts["datasets"],
                       "data": counts["dataItems"], "specs": counts["specs"],
                       "tasks": counts["tasks"], "results": counts["results"],
                       "jobs": counts["jobs"], "labels": counts["labels"]}}


ROUTES: tuple[Route, ...] = (
    Route(
        name="snapshotProject", method="POST", path="/project/snapshot", tag="project",
        summary="Write a consistent, dated, zipped dump of the whole store into "
                "WORKSPACE/.pixano/snapshots/ (admins); 201 with its name. Restore it with "
                "`pixano-graph restore WORKSPACE FILE`.",
        document="""mutation Snapshot($input: SnapshotInput!) {
  snapshot(input: $input) { snapshot { name path createdAt consistent
    counts { users datasets dataItems specs tasks results jobs labels } } } }""",
        body=SNAPSHOT_BODY, variables=_snapshot_variables, result=_snapshot_result, status=201,
        response=SNAPSHOT_RESPONSE, errors=(400, 401, 403, 409),
    ),
)

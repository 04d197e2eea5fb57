"""A pixano-app workspace written the way the old server wrote it: JSON values under its keys in a
LevelDB (`db.ldb`), over several runs (so it holds compressed tables and a log with overwrites and
deletions), with media files and base64 thumbnails as it stored them.

What is in it (the tests check each fact after migrating):
- users: `admin` (plain password `old-admin`), `ann` (`ann-pw`, holds c1, is queued for the
  correction c3), `val` (`val-pw`), `bob` (a stale in_progress flag on c6 nobody can resume),
  `gone` (deleted in a later run).
- dataset `dsimg` (image, `images/`, items c0..c6 with thumbnails), dataset `dspcl` (pcl, `pcls/`).
- task `cars` (rectangle on dsimg): c0 to_annotate, c1 to_annotate held by ann, c2 to_validate,
  c3 to_correct queued for ann (rejected by val), c4 done, c5 discard whose current job carries
  the objective `discard`, c6 to_annotate with a stale in_progress.
- task `clouds` (cuboid on dspcl): p0 to_annotate, p1 to_validate, p2 done.
- task `deleted` written then deleted (every key gone); an `o:` options key; a half-written
  value and a half-written key; a data item of an unknown data type.
- c1 was running when the old server stopped (started 300 s before, last saved 100 s before).
"""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import plyvel
from PIL import Image

NOW = 1_700_000_000  # the old server stored unix seconds
IMAGE_IDS = [f"c{i}" for i in range(7)]
PCL_IDS = ["p0", "p1", "p2"]
LABELS = {
    "c1": [{"id": "a1", "category": "car"}],
    "c2": [{"id": "a2", "category": "car"}, {"id": "a3", "category": "person"}],
    "c3": [{"id": "a4", "category": "person"}],
    "c4": [{"id": "a5", "category": "car"}, {"id": "a6", "category": "car"},
           {"id": "a7", "category": "bike"}],
    "p1": [{"id": "b1", "category": "truck"}],
    "p2": [{"id": "b2", "category": "truck"}, {"id": "b3", "category": "van"}],
}


def _thumbnail(path: Path) -> str:
    with Image.open(path) as image:
        image.thumbnail((100, 100))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _put(db: Any, key: str, value: Any) -> None:
    db.put(key.encode(), json.dumps(value).encode())


def _job(task: str, job_id: str, data_id: str, objective: str, assigned_to: str = "",
         start_at: int = 0, duration: int = 0) -> dict[str, Any]:
    return {"id": job_id, "task_name": task, "data_id": data_id, "objective": objective,
            "created_at": NOW - 500, "assigned_to": assigned_to, "start_at": start_at,
            "duration": duration, "last_update_at": NOW - 100}


def _result(task: str, data_id: str, status: str, current: str, finished: list[str],
            annotator: str = "", validator: str = "", in_progress: bool = False,
            cumulated: int = 0) -> dict[str, Any]:
    return {"task_name": task, "data_id": data_id, "finished_job_ids": finished,
            "current_job_id": current, "status": status, "cumulated_time": cumulated,
            "annotator": annotator, "validator": validator, "in_progress": in_progress}


def _user(name: str, password: str, role: str = "user", assigned: dict | None = None,
          queue: dict | None = None) -> dict[str, Any]:
    return {"username": name, "password": password, "role": role,
            "preferences": {"theme": "dark" if name == "ann" else "white"},
            "curr_assigned_jobs": assigned or {}, "queue": queue or {}}


def write_legacy_workspace(workspace: Path) -> Path:
    """Media files and `db.ldb`; returns the database folder."""
    (workspace / "images").mkdir(parents=True)
    (workspace / "pcls").mkdir()
    for i in range(len(IMAGE_IDS)):
        Image.new("RGB", (64 + i, 48), (20 * i, 100, 50)).save(workspace / "images" / f"img_{i}.jpg")
    for data_id in PCL_IDS:
        (workspace / "pcls" / f"{data_id}.bin").write_bytes(b"\0" * 64)
    db_path = workspace / "db.ldb"

    # Run 1: the server's first start, datasets, specs, both tasks created (all to_annotate),
    # and a task that will be deleted.
    db = plyvel.DB(str(db_path), create_if_missing=True, write_buffer_size=4096)
    _put(db, "v", {"version": "0.5.0"})
    _put(db, "u:admin", _user("admin", "admin", "admin"))
    _put(db, "u:gone", _user("gone", "gone-pw"))
    _put(db, "d:dsimg", {"id": "dsimg", "path": "images/", "data_type": "image"})
    _put(db, "d:dspcl", {"id": "dspcl", "path": "pcls/", "data_type": "pcl"})
    for i, data_id in enumerate(IMAGE_IDS):
        path = workspace / "images" / f"img_{i}.jpg"
        _put(db, f"d:dsimg:{data_id}", {"id": data_id, "dataset_id": "dsimg", "type": "image",
                                        "path": f"/data/images/img_{i}.jpg", "children": "",
                                        "thumbnail": _thumbnail(path)})
    for data_id in PCL_IDS:
        _put(db, f"d:dspcl:{data_id}", {"id": data_id, "dataset_id": "dspcl", "type": "pcl",
                                        "path": f"/data/pcls/{data_id}.bin", "children": ""})
    _put(db, "s:sprect", {"id": "sprect", "plugin_name": "rectangle", "data_type": "image",
                          "label_schema": {"category": [{"name": "car", "color": "green"},
                                                        {"name": "person", "color": "red"}],
                                           "default": "car"}})
    _put(db, "s:spcub", {"id": "spcub", "plugin_name": "cuboid-editor", "data_type": "pcl",
                         "label_schema": {"category": [{"name": "truck"}], "default": "truck"}})
    for task, dataset, spec, ids in (("cars", "dsimg", "sprect", IMAGE_IDS),
                                     ("clouds", "dspcl", "spcub", PCL_IDS),
                                     ("deleted", "dsimg", "sprect", IMAGE_IDS[:2])):
        _put(db, f"t:{task}", {"name": task, "spec_id": spec, "dataset_id": dataset})
        for data_id in ids:
            _put(db, f"j:{task}:{data_id}a", _job(task, f"{data_id}a", data_id, "to_annotate"))
            _put(db, f"r:{task}:{data_id}", _result(task, data_id, "to_annotate", f"{data_id}a", []))
            _put(db, f"l:{task}:{data_id}", {"task_name": task, "data_id": data_id,
                                             "annotations": []})
    db.close()

    # Run 2: work happens (overwrites), the `deleted` task and user `gone` are deleted.
    db = plyvel.DB(str(db_path), write_buffer_size=4096)
    for key, _ in list(db.iterator(prefix=b"j:deleted:")) + list(db.iterator(prefix=b"r:deleted:")) \
            + list(db.iterator(prefix=b"l:deleted:")):
        db.delete(key)
    db.delete(b"t:deleted")
    db.delete(b"u:gone")
    done = lambda t, d, o, who, dur: _put(db, f"j:{t}:{d}{o[3]}", _job(t, f"{d}{o[3]}", d, o, who, 0, dur))  # noqa: E731
    # cars/c2: annotated by ann -> to_validate (new job c2v)
    _put(db, "j:cars:c2a", _job("cars", "c2a", "c2", "to_annotate", "ann", 0, 30))
    _put(db, "j:cars:c2v", _job("cars", "c2v", "c2", "to_validate"))
    _put(db, "r:cars:c2", _result("cars", "c2", "to_validate", "c2v", ["c2a"], "ann", "", False, 30))
    # cars/c3: annotated by ann, rejected by val -> to_correct queued for ann
    _put(db, "j:cars:c3a", _job("cars", "c3a", "c3", "to_annotate", "ann", 0, 20))
    done("cars", "c3", "to_validate", "val", 5)
    _put(db, "j:cars:c3c", _job("cars", "c3c", "c3", "to_correct"))
    _put(db, "r:cars:c3", _result("cars", "c3", "to_correct", "c3c", ["c3a", "c3v"], "ann", "val",
                                  False, 25))
    # cars/c4: annotated, validated -> done
    _put(db, "j:cars:c4a", _job("cars", "c4a", "c4", "to_annotate", "ann", 0, 40))
    done("cars", "c4", "to_validate", "val", 8)
    _put(db, "r:cars:c4", _result("cars", "c4", "done", "", ["c4a", "c4v"], "ann", "val", False, 48))
    # clouds: p1 to_validate, p2 done
    _put(db, "j:clouds:p1a", _job("clouds", "p1a", "p1", "to_annotate", "bob", 0, 12))
    _put(db, "j:clouds:p1v", _job("clouds", "p1v", "p1", "to_validate"))
    _put(db, "r:clouds:p1", _result("clouds", "p1", "to_validate", "p1v", ["p1a"], "bob", "", False, 12))
    _put(db, "j:clouds:p2a", _job("clouds", "p2a", "p2", "to_annotate", "bob", 0, 9))
    _put(db, "r:clouds:p2", _result("clouds", "p2", "done", "", ["p2a"], "bob", "", False, 9))
    for data_id, labels in LABELS.items():
        task = "clouds" if data_id.startswith("p") else "cars"
        _put(db, f"l:{task}:{data_id}", {"task_name": task, "data_id": data_id,
                                         "annotations": labels})
    db.compact_range()  # compressed tables
    db.close()

    # Run 3 (stays in the log): ann takes c1, c5 is discarded by an admin batch (its current job
    # carries the objective `discard`), bob's hold on c6 went stale, odd keys.
    db = plyvel.DB(str(db_path), write_buffer_size=1 << 20)
    _put(db, "u:admin", _user("admin", "old-admin", "admin"))  # password changed (overwrite)
    _put(db, "u:ann", _user("ann", "ann-pw", assigned={"cars/to_annotate": "c1a"},
                            queue={"cars/to_correct": ["c3c"]}))
    _put(db, "u:val", _user("val", "val-pw"))
    _put(db, "u:bob", _user("bob", "bob-pw"))
    _put(db, "j:cars:c1a", _job("cars", "c1a", "c1", "to_annotate", "ann", NOW - 300, 15))
    _put(db, "r:cars:c1", _result("cars", "c1", "to_annotate", "c1a", [], "ann", "", True, 15))
    _put(db, "j:cars:c5d", _job("cars", "c5d", "c5", "discard"))
    _put(db, "r:cars:c5", _result("cars", "c5", "discard", "c5d", ["c5a"], "", "", False, 0))
    _put(db, "j:cars:c6a", _job("cars", "c6a", "c6", "to_annotate", "bob", NOW - 9000, 3))
    _put(db, "r:cars:c6", _result("cars", "c6", "to_annotate", "c6a", [], "bob", "", True, 3))
    _put(db, "o:", {"port": 3000, "workspace": "/data", "weird": [None, {"x": "y"}]})
    db.put(b"d:dsimg:half", b'{"id": "half", "dataset_id": "dsi')
    db.put(b"r:cars:", b"{}")
    _put(db, "d:dspcl:odd", {"id": "odd", "dataset_id": "dspcl", "type": "hologram",
                             "path": "/data/pcls/odd.bin", "children": ""})
    db.close()
    # The last run's writes are left in the log, as a server stopped mid-way leaves them: reopen
    # nothing (plyvel would fold the log into a table).
    return db_path

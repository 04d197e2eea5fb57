"""Migration speed and memory: a generated pixano-app database of 50,000 items into the store.

The old database is written with plyvel in the original layout: two image datasets of 25,000
items each (a ~3.5 kB base64 thumbnail per item, as the old server stored), two tasks (one per
dataset) with a result, a label (0-8 rectangles with a few attributes, ~0.5 kB on average) and
two or three jobs per item, items in every status, a few held and queued ones, five users with
plain-text passwords. It is written in two runs, so it holds compressed tables and a log.

Each run migrates it in a fresh child process into an empty embedded (SQLite) store, exactly as
`pixano-graph migrate WORKSPACE` does, and reports the wall time of the migration and the child's
peak resident memory (`ru_maxrss`, which includes the interpreter and the libraries, ~60 MB).
Figures are medians of `--runs` runs.

Run: `.venv/bin/python -m bench.migrate` (`--items 5000 --runs 1` for a quick look).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATUSES = ("to_annotate", "to_annotate", "to_validate", "to_correct", "done", "done", "discard")
USERS = ("admin", "ann", "bea", "carl", "val")


def _label(rng: random.Random, count: int) -> list[dict]:
    return [{"id": f"{rng.getrandbits(40):x}", "category": rng.choice(("car", "person", "bike")),
             "geometry": {"vertices": [round(rng.random(), 4) for _ in range(4)],
                          "type": "rectangle"},
             "options": {"occluded": rng.random() < 0.2, "truncated": False}}
            for _ in range(count)]


def generate(workspace: Path, items: int, seed: int = 7) -> Path:
    import plyvel

    rng = random.Random(seed)
    thumbnail = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                        for _ in range(3500))
    db_path = workspace / "db.ldb"
    db = plyvel.DB(str(db_path), create_if_missing=True)
    put = lambda wb, key, value: wb.put(key.encode(), json.dumps(value).encode())  # noqa: E731
    with db.write_batch() as wb:
        put(wb, "v", {"version": "0.5.0"})
        for user in USERS:
            put(wb, f"u:{user}", {"username": user, "password": f"{user}-pw",
                                  "role": "admin" if user == "admin" else "user",
                                  "preferences": {"theme": "white"}, "curr_assigned_jobs": {},
                                  "queue": {}})
        put(wb, "o:", {"port": 3000})
    per_task = items // 2
    for t in range(2):
        task, dataset, spec = f"task{t}", f"ds{t}", f"spec{t}"
        with db.write_batch() as wb:
            put(wb, f"d:{dataset}", {"id": dataset, "path": f"images{t}/", "data_type": "image"})
            put(wb, f"s:{spec}", {"id": spec, "plugin_name": "rectangle", "data_type": "image",
                                  "label_schema": {"category": [{"name": "car"}], "default": "car"}})
            put(wb, f"t:{task}", {"name": task, "spec_id": spec, "dataset_id": dataset})
        for start in range(0, per_task, 5000):
            with db.write_batch() as wb:
                for i in range(start, min(start + 5000, per_task)):
                    data_id = f"{rng.getrandbits(64):016x}"
                    put(wb, f"d:{dataset}:{data_id}", {
                        "id": data_id, "dataset_id": dataset, "type": "image",
                        "path": f"/data/images{t}/img_{i:06d}.jpg", "children": "",
                        "thumbnail": thumbnail})
                    status = STATUSES[i % len(STATUSES)]
                    annotator = USERS[1 + i % 3]
                    finished = [f"{data_id[:12]}a{k}" for k in range(2 if status != "to_annotate" else 0)]
                    for job_id in finished:
                        put(wb, f"j:{task}:{job_id}", {
                            "id": job_id, "task_name": task, "data_id": data_id,
                            "objective": "to_annotate", "assigned_to": annotator, "start_at": 0,
                            "duration": 30, "last_update_at": 1_700_000_000})
                    current = "" if status in ("done",) else f"{data_id[:12]}c"
                    if current:
                        put(wb, f"j:{task}:{current}", {
                            "id": current, "task_name": task, "data_id": data_id,
                            "objective": status, "assigned_to": "", "start_at": 0,
                            "duration": 0, "last_update_at": 1_700_000_000})
                    put(wb, f"r:{task}:{data_id}", {
                        "task_name": task, "data_id": data_id, "finished_job_ids": finished,
                        "current_job_id": current, "status": status,
                        "cumulated_time": 30 * len(finished), "annotator": annotator,
                        "validator": "val" if status == "done" else "", "in_progress": False})
                    put(wb, f"l:{task}:{data_id}", {"task_name": task, "data_id": data_id,
                                                    "annotations": _label(rng, i % 9)})
        db.close()  # a second run: the first one's log becomes a table
        db = plyvel.DB(str(db_path))
    db.close()
    return db_path


def child(workspace: Path) -> None:
    """One migration, as the CLI runs it; prints a JSON line of figures."""
    from graph.settings import Settings
    from resolvers.project.migrate import migrate
    from store import open_store

    async def main() -> dict:
        settings = Settings.from_env(workspace, mongodb_uri=None)
        store = open_store(settings.state_dir, None, settings.mongodb_database)
        await store.open()
        started = time.perf_counter()
        with open("/dev/null", "w") as quiet:
            report = await migrate(workspace, store, scratch_dir=settings.state_dir, stream=quiet)
        elapsed = time.perf_counter() - started
        await store.close()
        return {"seconds": elapsed, "results": report.read.migrated.get("result", 0),
                "skipped": len(report.read.skipped)}

    figures = asyncio.run(main())
    figures["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory(prefix="bench-migrate-") as tmp:
        workspace = Path(tmp)
        started = time.perf_counter()
        db_path = generate(workspace, args.items)
        size = sum(p.stat().st_size for p in db_path.iterdir()) / 1e6
        print(f"old database: {args.items} items, two tasks, {size:.0f} MB on disk "
              f"(generated in {time.perf_counter() - started:.1f} s)")
        runs = []
        for _ in range(args.runs):
            shutil.rmtree(workspace / ".pixano", ignore_errors=True)
            out = subprocess.run([sys.executable, "-m", "bench.migrate", "--child", str(workspace)],
                                 check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
            print(f"  run: {runs[-1]['seconds']:.1f} s, peak RSS {runs[-1]['maxrss_mb']:.0f} MB, "
                  f"{runs[-1]['results']} results, {runs[-1]['skipped']} skipped")
        print(f"migrate {args.items} items: median {statistics.median(r['seconds'] for r in runs):.1f} s"
              f" (limit 60 s), peak RSS median "
              f"{statistics.median(r['maxrss_mb'] for r in runs):.0f} MB (limit 500 MB)")


if __name__ == "__main__":
    main()

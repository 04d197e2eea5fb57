"""Dataset ingest speed: createDataset on N JPEGs of 640x480, against a naive baseline.

For N = 1,000 and 10,000 (generated once in a temporary workspace), each configuration runs in a
fresh child process that starts the whole app (embedded SQLite store), logs in and times one
`createDataset` mutation through GraphQL:

  baseline  one process, full decode of every pixel, one-step resize (the naive way)
  draft     one process (a worker thread), JPEG draft decoding: what reduced-size decode gives
  fast      the default: draft decoding in a process pool on every core, batched writes

As `serve` does, the child warms the thumbnail pool up in the background when it starts; the
clock starts once its workers are up (a server that has finished starting, as when an admin
creates a task), unless `--cold`: then the first ingest also pays for (and competes with) their
start, which at 200 images is most of its time on a busy 2-core machine.

Peak memory is the highest proportional set size (PSS, from /proc/<pid>/smaps_rollup) of the
child and all its descendants (forkserver and pool workers) summed, sampled every 20 ms by this
process while createDataset runs (not during start-up and login, whose argon2 hashing alone takes
more), so shared library pages are not counted once per worker. Figures are medians of
`--runs` runs; on a noisy shared machine the ratio to the baseline of the same run is what counts.

Run: `.venv/bin/python -m bench.ingest` (`--sizes 1000 --runs 1` for a quick look; small ingests:
`--image-size 320x240 --sizes 200 2000`).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ADMIN_PASSWORD = "bench-admin-password"
MODES = ("baseline", "draft", "fast")


# ------------------------------------------------------------------ workspace

def generate(folder: Path, count: int, distinct: int = 64,
             size: tuple[int, int] = (640, 480)) -> None:
    """`count` real JPEGs with drawn shapes (like photos, they do not compress to nothing), drawn
    at 640x480 and scaled to `size`; `distinct` pictures are drawn and their bytes written under
    every name (decoding cost is the same, generation is 30x faster)."""
    import random

    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    pictures = []
    for _ in range(min(distinct, count)):
        image = Image.new("RGB", (640, 480), tuple(rng.randrange(256) for _ in range(3)))
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randrange(600), rng.randrange(440)
            box = (x, y, x + rng.randrange(20, 300), y + rng.randrange(20, 300))
            color = tuple(rng.randrange(256) for _ in range(3))
            (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=color, outline="black")
        for _ in range(2000):  # texture, so the JPEG has detail to decode
            x, y = rng.randrange(640), rng.randrange(480)
            draw.point((x, y), fill=tuple(rng.randrange(256) for _ in range(3)))
        import io

        if size != image.size:
            image = image.resize(size)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=90)
        pictures.append(buffer.getvalue())
    for index in range(count):
        (folder / f"img_{index:06d}.jpg").write_bytes(pictures[index % len(pictures)])


# ------------------------------------------------------------------ child: one createDataset

async def _child(workspace: Path, mode: str, path: str, cold: bool) -> dict:
    from aiohttp.test_utils import TestClient, TestServer

    import resolvers.datasets.ingest as ingest
    from graph.app import create_app
    from graph.settings import Settings

    if mode == "baseline":
        ingest.DEFAULT_OPTIONS = ingest.IngestOptions(workers=0, fast=False)
    elif mode == "draft":
        ingest.DEFAULT_OPTIONS = ingest.IngestOptions(workers=0, fast=True)
    # As `serve` starts: the thumbnail pool warms up in the background while the admin logs in.
    settings = Settings(workspace=workspace, admin_password=ADMIN_PASSWORD,
                        warm_thumbnail_pool=True)
    async with TestClient(TestServer(create_app(settings))) as client:
        login = await client.post("/graphql", json={
            "query": "mutation($p: String!) { login(input: {username: \"admin\", password: $p}) { token } }",
            "variables": {"p": ADMIN_PASSWORD}})
        token = (await login.json())["data"]["login"]["token"]
        if not cold:  # a server that has finished starting: its thumbnail workers are up
            async with asyncio.timeout(120):
                while not ingest.THUMBNAIL_POOL.ready:
                    await asyncio.sleep(0.05)
        print("start", flush=True)  # the parent measures memory from here (not the login's argon2)
        started = time.perf_counter()
        response = await client.post("/graphql", headers={"Authorization": f"Bearer {token}"}, json={
            "query": "mutation($p: String!) { createDataset(input: {path: $p, dataType: IMAGE})"
                     " { created itemCount skipped } }", "variables": {"p": path}})
        elapsed = time.perf_counter() - started
        body = await response.json()
    if body.get("errors"):
        raise SystemExit(f"createDataset failed: {body['errors']}")
    return {"seconds": elapsed, **body["data"]["createDataset"]}


# ------------------------------------------------------------------ parent: memory sampling

def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().decode(errors="replace")
            parent = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _run_child(workspace: Path, mode: str, path: str, cold: bool) -> dict:
    shutil.rmtree(workspace / ".pixano", ignore_errors=True)  # a fresh store: a real creation
    command = [sys.executable, "-m", "bench.ingest", "--child", mode, str(workspace), path,
               *(["--cold"] if cold else [])]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               cwd=Path(__file__).resolve().parent.parent)
    peak = 0
    measuring = threading.Event()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            if measuring.is_set():
                peak = max(peak, sum(_pss_kib(pid) for pid in _descendants(process.pid)))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = []
    for line in process.stdout:  # type: ignore[union-attr]
        if line.strip() == "start":
            measuring.set()
        else:
            lines.append(line)
    process.wait()
    done.set()
    sampler.join()
    out = "".join(lines)
    if process.returncode != 0:
        raise SystemExit(f"bench child ({mode}) failed with code {process.returncode}: {out}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mib"] = peak / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--image-size", default="640x480", help="WxH of the generated JPEGs "
                        "(issue 16's small-ingest target: --image-size 320x240 --sizes 200 2000)")
    parser.add_argument("--cold", action="store_true",
                        help="create the dataset right after start-up, while the thumbnail "
                             "workers are still starting (default: once they are up)")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "WORKSPACE", "PATH"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, workspace, path = args.child
        print(json.dumps(asyncio.run(_child(Path(workspace), mode, path, args.cold))))
        return

    from resolvers.datasets.ingest import available_cores

    width, height = (int(v) for v in args.image_size.lower().split("x"))
    rates: dict[int, float] = {}
    print(f"createDataset on N JPEGs of {width}x{height}; {args.runs} run(s) each, medians; "
          f"{available_cores()} core(s); Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="pixano-bench-ingest-") as tmp:
        workspace = Path(tmp)
        for size in args.sizes:
            folder = f"images_{size}"
            started = time.perf_counter()
            generate(workspace / folder, size, size=(width, height))
            for file in (workspace / folder).iterdir():  # warm the page cache for every mode
                file.read_bytes()
            print(f"\nN = {size:,} (generated in {time.perf_counter() - started:.1f} s)")
            print(f"  {'mode':<9} {'seconds':>8} {'images/s':>9} {'peak MiB':>9} "
                  f"{'speed vs baseline':>18} {'memory vs baseline':>19}")
            # Rounds of baseline, draft, fast: a load change on the shared machine hits all three.
            results: dict[str, list[dict]] = {mode: [] for mode in MODES}
            loads = [os.getloadavg()[0]]
            for _ in range(args.runs):
                for mode in MODES:
                    results[mode].append(_run_child(workspace, mode, folder, args.cold))
            loads.append(os.getloadavg()[0])
            base_seconds = statistics.median(r["seconds"] for r in results["baseline"])
            base_peak = statistics.median(r["peak_mib"] for r in results["baseline"])
            for mode in MODES:
                runs = results[mode]
                assert all(r["itemCount"] == size and r["created"] for r in runs), runs
                seconds = statistics.median(r["seconds"] for r in runs)
                peak = statistics.median(r["peak_mib"] for r in runs)
                if mode == "fast":
                    rates[size] = size / seconds
                print(f"  {mode:<9} {seconds:>8.2f} {size / seconds:>9.0f} {peak:>9.0f} "
                      f"{base_seconds / seconds:>17.2f}x {peak / base_peak:>18.2f}x")
            print(f"  (1-minute load average {loads[0]:.1f} before, {loads[1]:.1f} after; "
                  f"{available_cores()} cores)", flush=True)
    if len(rates) > 1:
        small, large = min(rates), max(rates)
        print(f"\nfast images/s at {small:,} / at {large:,}: {rates[small] / rates[large]:.2f} "
              "(issue 16 target: >= 0.8)")


if __name__ == "__main__":
    main()

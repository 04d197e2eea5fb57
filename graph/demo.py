"""A small demo workspace drawn with Pillow, so `make run` has something to annotate."""
from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw

COLORS = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6"]


def build_demo_workspace(root: Path, count: int = 36, seed: int = 7) -> int:
    """Create `root/images/` with `count` 640x480 JPEG scenes; existing files are kept. Returns count."""
    images = root / "images"
    images.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for index in range(count):
        path = images / f"scene_{index:03d}.jpg"
        if path.exists():
            continue
        image = Image.new("RGB", (640, 480), rng.choice(["#dde6ee", "#e9e4d8", "#d8e9dc"]))
        draw = ImageDraw.Draw(image)
        for _ in range(rng.randint(2, 6)):
            x, y = rng.randint(0, 560), rng.randint(0, 400)
            w, h = rng.randint(30, 160), rng.randint(30, 160)
            shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
            shape((x, y, x + w, y + h), fill=rng.choice(COLORS), outline="black")
        image.save(path, quality=85)
    return count

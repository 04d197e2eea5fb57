"""Real media files for tests, made on the fly: JPEG/PNG images with Pillow, KITTI-like .bin clouds."""
from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

from PIL import Image


def make_image(path: Path, size: tuple[int, int] = (64, 48), color: str = "#3366cc") -> Path:
    """A real image; the format follows the extension (.jpg/.jpeg/.png, any case)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, color)
    fmt = "PNG" if path.suffix.lower() == ".png" else "JPEG"
    image.save(path, format=fmt)
    return path


def make_images(folder: Path, names: Iterable[str], size: tuple[int, int] = (64, 48)) -> list[Path]:
    return [make_image(folder / name, size) for name in names]


def make_pcl(path: Path, points: int = 16) -> Path:
    """A point cloud in the KITTI velodyne layout: float32 x, y, z, intensity per point."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(struct.pack("<4f", i, i * 0.5, 1.0, 0.2) for i in range(points)))
    return path


def make_corrupt_image(path: Path) -> Path:
    """A file named like a JPEG that is not one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    return path

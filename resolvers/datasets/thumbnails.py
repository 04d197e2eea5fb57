"""Thumbnails: base64 JPEG, 100 px high, aspect kept, as the original server stored on image items.

This module runs in worker processes too (see ingest.py), so it imports nothing but Pillow.
Speed comes from decoding JPEGs at reduced size (`Image.draft`: the JPEG decoder itself scales by
1/2, 1/4 or 1/8, skipping most of the work) and from Pillow's reducing_gap for other formats.
"""
from __future__ import annotations

import base64
import io

from PIL import Image

HEIGHT = 100
QUALITY = 80

# Pillow registers its common formats (JPEG, PNG, BMP, GIF, PPM) on the first `Image.open`,
# ~40 ms: done at import, so the thumbnail forkserver, which preloads this module, does it once
# and every pool worker forked from it starts ready (it was paid by each worker's first chunk,
# on the critical path of small ingests: issue 16).
Image.preinit()

# EXIF orientation -> the transpose that shows the picture as cameras and browsers do.
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:  # a broken EXIF block must not cost the thumbnail
        return 1


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB for JPEG; transparent pixels become white rather than black."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def make_thumbnail(path: str, fast: bool = True) -> str:
    """Base64 of a JPEG `HEIGHT` px high; raises (OSError, Pillow errors) on an unreadable image.

    `fast=False` decodes every pixel and resizes in one step: the baseline the bench compares to.
    """
    with Image.open(path) as image:
        orientation = _orientation(image)
        turned = orientation in (5, 6, 7, 8)
        width, height = image.size
        shown_w, shown_h = (height, width) if turned else (width, height)
        target_w = max(1, round(shown_w * HEIGHT / shown_h))
        # Size in the stored orientation; the transpose comes after, on the small picture.
        size = (HEIGHT, target_w) if turned else (target_w, HEIGHT)
        if fast:
            if image.format == "JPEG":
                image.draft("RGB", size)  # decode at the smallest 1/2^k scale still >= size
            # After the draft (or Pillow's reduce() for other formats) bilinear loses nothing.
            small = _to_rgb(image).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        else:
            small = _to_rgb(image).resize(size, Image.Resampling.BICUBIC)
    if orientation in _ORIENTATION:
        small = small.transpose(_ORIENTATION[orientation])
    buffer = io.BytesIO()
    # Huffman tables made for the picture (one more pass over a 100 px image), as the original
    # server's thumbnailer (sharp: `optimiseCoding` on by default) writes them: the standard
    # tables alone are ~400 bytes, and a results page carries ten thumbnails (issue 16).
    small.save(buffer, format="JPEG", quality=QUALITY, optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def make_thumbnails(paths: list[str], fast: bool = True) -> list[tuple[str | None, str | None]]:
    """(thumbnail, None) or (None, reason) per path: one bad file never fails the batch."""
    out: list[tuple[str | None, str | None]] = []
    for path in paths:
        try:
            out.append((make_thumbnail(path, fast), None))
        except Exception as exc:  # corrupt, truncated, unsupported, bomb, unreadable: all skipped
            out.append((None, f"{type(exc).__name__}: {exc}"))
    return out

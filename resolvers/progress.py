"""A console progress bar for long server-side work (dataset scans, task creation).

Written to stderr so it never mixes with output a script might parse; redrawn at most a few times a
second and only on a terminal, with a plain start/end line otherwise (logs, CI).
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int, stream: TextIO | None = None,
                 min_interval: float = 0.25) -> None:
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self._stream = stream or sys.stderr
        self._interactive = self._stream.isatty()
        self._min_interval = min_interval
        self._started = time.monotonic()
        self._last_draw = 0.0
        if not self._interactive:
            self._stream.write(f"{label}: {self.total} to do\n")

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self._interactive and (now - self._last_draw >= self._min_interval or self.done >= self.total):
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        width = 30
        fraction = self.done / self.total if self.total else 1.0
        filled = int(width * min(fraction, 1.0))
        rate = self.done / max(now - self._started, 1e-9)
        self._stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                           f"{self.done}/{self.total} ({rate:.0f}/s)")
        self._stream.flush()

    def close(self) -> None:
        elapsed = time.monotonic() - self._started
        end = "\n" if self._interactive else ""
        self._stream.write(f"{end}{self.label}: {self.done}/{self.total} in {elapsed:.1f} s\n")
        self._stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def reporting(label: str, total: int, show: bool) -> Iterator[Callable[[int], None]]:
    """An `advance(n)` callback drawing a bar when `show`, doing nothing otherwise, so long work
    reports progress without caring whether anyone watches (the CLI always does; the server
    does for large jobs). The bar starts with the first advance: work refused before it began
    (e.g. a task name found taken) draws nothing."""
    bars: list[Progress] = []

    def advance(count: int) -> None:
        if not bars:
            bars.append(Progress(label, total))
        bars[0].advance(count)

    try:
        yield advance if show else (lambda count: None)
    finally:
        if bars:
            bars[0].close()

"""`python -m bench.profiled_serve serve WORKSPACE ...`: `pixano-graph serve` whose event-loop
thread is profiled by CPU time (cProfile with `time.thread_time`), between SIGUSR1 (start) and
SIGUSR2 (stop; the stats are written to `$PIXANO_PROFILE_OUT`). Used by `bench/cpu.py --profile`.

A CPU-time profile, not a wall-time one: waiting (epoll, the writer thread's answer, a busy
machine's scheduler) costs nothing in it, so what it ranks is what the loop actually computes.
"""
from __future__ import annotations

import cProfile
import os
import signal
import sys
import time
from types import FrameType

from graph.cli import main

PROFILER = cProfile.Profile(time.thread_time)


def _start(signum: int, frame: FrameType | None) -> None:
    PROFILER.enable()


def _stop(signum: int, frame: FrameType | None) -> None:
    PROFILER.disable()
    PROFILER.dump_stats(os.environ["PIXANO_PROFILE_OUT"])


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _start)
    signal.signal(signal.SIGUSR2, _stop)
    sys.exit(main())

"""No process of ours outlives the one that started it (Linux; elsewhere a no-op).

A server killed with SIGKILL runs no clean-up: its workers (`serve --workers N`), the thumbnail
forkserver and the pool's processes would live on, orphaned, holding the port, the console and
memory. The kernel's parent-death signal (`PR_SET_PDEATHSIG`) kills each of them with its parent.
"""
from __future__ import annotations

import ctypes
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when the thread that started it ends."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass

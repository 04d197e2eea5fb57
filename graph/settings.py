"""Server configuration, read once from flags and environment variables.

Every knob lives here so the README's configuration table has one source to match.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Clock = Callable[[], float]


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number of seconds, got {raw!r}") from exc


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    """What one server instance needs to run; immutable once the app is built."""

    workspace: Path
    host: str = "127.0.0.1"
    port: int = 8080
    # None selects the embedded SQLite engine under <workspace>/.pixano/.
    mongodb_uri: str | None = None
    mongodb_database: str = "pixano"
    # None: read <workspace>/.pixano/secret, generating it on first start.
    secret: str | None = None
    # None: a random password is generated and printed once when the admin is created.
    admin_password: str | None = None
    job_lease_seconds: float = 3600.0
    token_ttl_seconds: float = 24 * 3600.0
    token_renew_seconds: float = 3600.0
    # Set the cookie's Secure flag (enable behind HTTPS).
    secure_cookies: bool = False
    # Introspection is always allowed to admins (GraphiQL needs it); this opens it to everyone.
    public_introspection: bool = False
    # Live updates (docs/workflow.md "Subscriptions"): how often each process reads the event log
    # for other processes' events, how long events are kept, a subscription's queue (beyond it
    # the subscriber gets a resync notice), the least time between two taskProgress messages.
    live_poll_seconds: float = 0.1
    live_retention_seconds: float = 600.0
    live_queue_size: int = 100
    live_progress_interval: float = 0.25
    # Open sockets: in all (beyond: closed with 1013) and per user (beyond: closed with 4430).
    live_max_connections: int = 2000
    live_max_connections_per_user: int = 20
    # A socket's session is checked again this often (expiry, revocation, deleted user: 4401).
    live_auth_recheck_seconds: float = 5.0
    # A socket must send connection_init within this time (4408).
    live_init_timeout_seconds: float = 10.0
    # Injected in tests so leases and durations can be checked without sleeping.
    clock: Clock = field(default=time.time, compare=False)

    @property
    def state_dir(self) -> Path:
        """The server's private folder inside the workspace; never served under /data."""
        return self.workspace / ".pixano"

    @classmethod
    def from_env(cls, workspace: Path, **overrides: object) -> "Settings":
        """Build settings from PIXANO_* / MONGODB_URI variables; explicit overrides (CLI flags) win."""
        values: dict[str, object] = {
            "mongodb_uri": os.environ.get("MONGODB_URI") or None,
            "mongodb_database": os.environ.get("PIXANO_MONGODB_DATABASE") or "pixano",
            "secret": os.environ.get("PIXANO_SECRET") or None,
            "admin_password": os.environ.get("PIXANO_ADMIN_PASSWORD") or None,
            "job_lease_seconds": _env_float("PIXANO_JOB_LEASE", 3600.0),
            "secure_cookies": os.environ.get("PIXANO_SECURE_COOKIES", "") in {"1", "true", "yes"},
            "public_introspection": os.environ.get("PIXANO_PUBLIC_INTROSPECTION", "")
            in {"1", "true", "yes"},
            "live_max_connections": _env_int("PIXANO_LIVE_MAX_CONNECTIONS", 2000),
            "live_max_connections_per_user": _env_int("PIXANO_LIVE_MAX_CONNECTIONS_PER_USER", 20),
            "live_retention_seconds": _env_float("PIXANO_LIVE_RETENTION", 600.0),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(workspace=Path(workspace).resolve(), **values)  # type: ignore[arg-type]

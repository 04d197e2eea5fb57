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

#: The largest page any listing serves (`first`, `last`, `count` …, GraphQL and REST alike). It is
#: part of the API's contract, not a knob: the old web app's largest page is 200 results.
MAX_PAGE_SIZE = 200


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
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, got {raw!r}")
    return value


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name) or default
    if raw not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


@dataclass(frozen=True)
class GraphQLLimits:
    """What one GraphQL operation may ask for, checked before it runs (docs/security.md).

    Costs are in units of about one field of the answer: every selected field is 1, a thumbnail 50,
    and a list multiplies what it holds by its page size (`first`, `last`, `count` …) or, for a
    list without one, by `UNSIZED_LIST` (see `graph/limits.py`).
    """

    # Plain users (and anonymous callers): the largest REST page (200 data items) costs 23,005.
    user_budget: int = 50_000
    admin_budget: int = 500_000
    # Bytes of the document text, refused before parsing.
    max_document_bytes: int = 64 * 1024
    # Limits checked after parsing and before validation: validating fields repeated under one
    # name is quadratic (docs/security.md), so such documents never reach it.
    max_aliases: int = 30
    max_repeated_fields: int = 10
    max_depth: int = 15
    # Root fields of one mutation operation (each is a write).
    max_root_mutations: int = 10

    def budget(self, is_admin: bool) -> int:
        return self.admin_budget if is_admin else self.user_budget


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
    # How long the user who ended an item's latest job may still save its labels (the old web
    # app and old scripts end the job first, then save), while nobody else holds the item.
    labels_grace_seconds: float = 600.0
    token_ttl_seconds: float = 24 * 3600.0
    token_renew_seconds: float = 3600.0
    # Set the cookie's Secure flag (enable behind HTTPS).
    secure_cookies: bool = False
    # Introspection is always allowed to admins (GraphiQL needs it); this opens it to everyone.
    public_introspection: bool = False
    # Login throttling (resolvers/auth/throttle.py): failures counted per account and per client
    # address within `login_failure_window`; from the Nth failure on, logins for that key are
    # refused (429) for `login_lock_seconds`, doubled at each further failure, at most
    # `login_lock_max_seconds`.
    login_account_failures: int = 5
    login_address_failures: int = 20
    login_failure_window: float = 3600.0
    login_lock_seconds: float = 2.0
    login_lock_max_seconds: float = 900.0
    # HTTP server: a connection that is idle, or still sending a request's headers, this many
    # seconds after it opened or after its last answer is closed (aiohttp's keep-alive timer);
    # a request body must arrive within `body_timeout` seconds (408).
    keepalive_timeout: float = 10.0
    body_timeout: float = 60.0
    # Embedded engine: one durable commit for every write waiting (on), or one per write (off).
    group_commit: bool = True
    # Embedded engine: read-only connections (one thread each) serving reads off the writer.
    sqlite_readers: int = 2
    # Set in each worker of `serve --workers N` (N > 1): other processes use the same store.
    shared_store: bool = False
    # Start the thumbnail worker processes in the background at start-up (`serve` does), so the
    # first image ingest does not wait for them.
    warm_thumbnail_pool: bool = False
    # GET /metrics (Prometheus text format): "admin" (admins only), "open" (no login: bind the
    # server to a private address) or "off".
    metrics: str = "admin"
    graphql: GraphQLLimits = field(default_factory=GraphQLLimits)
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
            "labels_grace_seconds": _env_float("PIXANO_LABELS_GRACE", 600.0),
            "secure_cookies": os.environ.get("PIXANO_SECURE_COOKIES", "") in {"1", "true", "yes"},
            "public_introspection": os.environ.get("PIXANO_PUBLIC_INTROSPECTION", "")
            in {"1", "true", "yes"},
            "login_account_failures": int(_env_float("PIXANO_LOGIN_ACCOUNT_FAILURES", 5)),
            "login_address_failures": int(_env_float("PIXANO_LOGIN_ADDRESS_FAILURES", 20)),
            "login_failure_window": _env_float("PIXANO_LOGIN_FAILURE_WINDOW", 3600.0),
            "login_lock_seconds": _env_float("PIXANO_LOGIN_LOCK_SECONDS", 2.0),
            "login_lock_max_seconds": _env_float("PIXANO_LOGIN_LOCK_MAX_SECONDS", 900.0),
            "keepalive_timeout": _env_float("PIXANO_KEEPALIVE_TIMEOUT", 10.0),
            "body_timeout": _env_float("PIXANO_BODY_TIMEOUT", 60.0),
            "group_commit": os.environ.get("PIXANO_GROUP_COMMIT", "1") not in {"0", "false", "no"},
            "sqlite_readers": _env_int("PIXANO_SQLITE_READERS", 2),
            "warm_thumbnail_pool": os.environ.get("PIXANO_WARM_THUMBNAILS", "1")
            not in {"0", "false", "no"},
            "metrics": _env_choice("PIXANO_METRICS", "admin", ("admin", "open", "off")),
            "graphql": GraphQLLimits(
                user_budget=_env_int("PIXANO_GRAPHQL_USER_BUDGET", GraphQLLimits.user_budget),
                admin_budget=_env_int("PIXANO_GRAPHQL_ADMIN_BUDGET", GraphQLLimits.admin_budget),
                max_document_bytes=_env_int("PIXANO_GRAPHQL_MAX_DOCUMENT_BYTES",
                                            GraphQLLimits.max_document_bytes)),
            "live_max_connections": _env_int("PIXANO_LIVE_MAX_CONNECTIONS", 2000),
            "live_max_connections_per_user": _env_int("PIXANO_LIVE_MAX_CONNECTIONS_PER_USER", 20),
            "live_retention_seconds": _env_float("PIXANO_LIVE_RETENTION", 600.0),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(workspace=Path(workspace).resolve(), **values)  # type: ignore[arg-type]

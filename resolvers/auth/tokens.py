"""Signed session tokens (JWT, HS256) and the secret that signs them.

A token names its user (`sub`), its session (`sid`, random, kept when the cookie is renewed) and
the user's session key at issue time (`key`). The server ends sessions by state kept on the user
record (which every request reads anyway), never by forgetting tokens: a logout lists the `sid`
as revoked; a password or role change, a deletion or "log out everywhere" gives the account a new
session key, so every token issued before no longer matches (see `resolvers/auth/sessions.py`).

The secret is never a constant in the code: it comes from PIXANO_SECRET or is generated once and
kept in the workspace's private folder with mode 0600. Several instances serving one database must
share it (same PIXANO_SECRET), or tokens issued by one are refused by the others.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import jwt

SECRET_FILE = "secret"
ALGORITHM = "HS256"


def load_or_create_secret(state_dir: Path) -> str:
    """Read the workspace's secret, creating it (0600, never overwritten) on first start."""
    path = state_dir / SECRET_FILE
    state_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text(encoding="utf-8").strip()
        if len(secret) < 32:
            raise ValueError(f"{path} holds no usable secret (too short); delete it to regenerate") from None
        return secret
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        secret = secrets.token_urlsafe(48)
        handle.write(secret)
    return secret


@dataclass(frozen=True)
class SessionClaims:
    username: str
    expires_at: float
    session_id: str
    key: str


class TokenSigner:
    def __init__(self, secret: str, ttl_seconds: float) -> None:
        if len(secret) < 32:
            raise ValueError("the signing secret must be at least 32 characters long")
        self._secret = secret
        self.ttl_seconds = ttl_seconds

    def issue(self, username: str, key: str, now: float, session_id: str | None = None) -> str:
        """A token for `username` under the account's session `key`; a new session unless
        `session_id` continues one (renewal)."""
        claims = {"sub": username, "iat": int(now), "exp": int(now + self.ttl_seconds),
                  "sid": session_id or secrets.token_hex(8), "key": key}
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def read(self, token: str, now: float) -> SessionClaims | None:
        """The claims of a genuine, unexpired token; None for anything else."""
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM],
                options={"require": ["sub", "exp", "sid", "key"], "verify_exp": False},
            )
        except jwt.PyJWTError:
            return None
        expires_at = float(claims["exp"])
        if not all(isinstance(claims[k], str) for k in ("sub", "sid", "key")) or expires_at <= now:
            return None
        return SessionClaims(username=claims["sub"], expires_at=expires_at,
                             session_id=claims["sid"], key=claims["key"])

"""Signed session tokens (JWT, HS256) and the secret that signs them.

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
            raise ValueError(f"{path} holds no usable secret (too short); delete it to regenerate")
        return secret
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        secret = secrets.token_urlsafe(48)
        handle.write(secret)
    return secret


@dataclass(frozen=True)
class SessionClaims:
    username: str
    expires_at: float


class TokenSigner:
    def __init__(self, secret: str, ttl_seconds: float) -> None:
        if len(secret) < 32:
            raise ValueError("the signing secret must be at least 32 characters long")
        self._secret = secret
        self.ttl_seconds = ttl_seconds

    def issue(self, username: str, now: float) -> str:
        claims = {"sub": username, "iat": int(now), "exp": int(now + self.ttl_seconds)}
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def read(self, token: str, now: float) -> SessionClaims | None:
        """The claims of a genuine, unexpired token; None for anything else."""
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM],
                options={"require": ["sub", "exp"], "verify_exp": False},
            )
        except jwt.PyJWTError:
            return None
        expires_at = float(claims["exp"])
        if not isinstance(claims["sub"], str) or expires_at <= now:
            return None
        return SessionClaims(username=claims["sub"], expires_at=expires_at)

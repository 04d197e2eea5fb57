"""When a session ends: the rules, above the engines, on state kept in the user record.

The user record is read on every request already (graph/session.py), so checking it costs no
extra database round trip:
- `session_key`: a random key given to every new account and replaced when its password or role
  changes or on "log out everywhere"; a token carries the key it was issued under, so a change
  ends every older session, and a re-created account (new key) never accepts an old token.
- `revoked_sessions`: `{session id: expiry}` of the sessions closed by `logout`, pruned of
  expired entries on each logout. Past `MAX_REVOKED` live entries the key is replaced instead
  (the user is logged out everywhere), so the record a request reads stays small.
Both live in the store: they survive restarts and hold for every instance on one MongoDB.
"""
from __future__ import annotations

import secrets

from resolvers.auth.tokens import SessionClaims
from store import Store
from store.records import UserRecord

#: Revoked sessions kept per user before a logout turns into "log out everywhere".
MAX_REVOKED = 64


def new_session_key() -> str:
    return secrets.token_hex(16)


def session_is_live(user: UserRecord, claims: SessionClaims) -> bool:
    """Whether this token's session is still open on the account it names."""
    return (claims.key == user.get("session_key", "")
            and claims.session_id not in user.get("revoked_sessions", {}))


async def end_session(store: Store, claims: SessionClaims, now: float) -> None:
    """Close one session (logout): its token is refused from now on, on every instance."""
    live = await store.revoke_session(claims.username, claims.session_id, claims.expires_at, now)
    if live is not None and live > MAX_REVOKED:
        await end_all_sessions(store, claims.username)


async def end_all_sessions(store: Store, username: str) -> UserRecord | None:
    """Close every session of `username` (a new key; the revocation list is no longer needed)."""
    return await store.update_user(username, {"session_key": new_session_key(),
                                              "revoked_sessions": {}})

"""First start of an empty store: create the `admin` account so the workspace can be managed."""
from __future__ import annotations

import logging
import secrets

from resolvers.auth.passwords import hash_password
from resolvers.auth.sessions import new_session_key
from store import DuplicateKeyError, Store

log = logging.getLogger("pixano_graph")

ADMIN_USERNAME = "admin"


async def ensure_admin(store: Store, password: str | None) -> str | None:
    """Create `admin` when no account exists; the generated password (printed once) or None."""
    if await store.count_users() > 0:
        return None
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        await store.create_user({"username": ADMIN_USERNAME, "password": await hash_password(password),
                                 "role": "admin", "preferences": {},
                                 "session_key": new_session_key()})
    except DuplicateKeyError:  # another instance on the same database was first
        return None
    if generated:
        print(f"Created the first account: username 'admin', password '{password}' "
              "(shown once; set PIXANO_ADMIN_PASSWORD to choose it).", flush=True)
        return password
    log.info("created the first account 'admin' with PIXANO_ADMIN_PASSWORD")
    return None

"""argon2id password hashes. Hashing is deliberately slow, so it runs off the event loop."""
from __future__ import annotations

import asyncio

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# Verified when the username is unknown, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("pixano-graph: no such user")


def use_parameters(parameters: Parameters) -> None:
    """Hash with other argon2 parameters from now on, in this process. Only the test suite calls
    it (argon2's cheapest: thousands of accounts and logins would otherwise spend minutes of CPU);
    a server keeps argon2-cffi's defaults, and no setting or variable can lower them. A hash
    records its parameters, so hashes made before still verify."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher.from_parameters(parameters)
    _DUMMY_HASH = _hasher.hash("pixano-graph: no such user")


def hash_password_blocking(password: str) -> str:
    """The hash, computed on the calling thread (for batch work off the event loop: migration)."""
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hash_password_blocking, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)

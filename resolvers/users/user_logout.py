"""`logout`: drop the session cookie. Tokens are stateless; they die at expiry or with the user."""
from __future__ import annotations

import strawberry

from graph.session import clear_session_cookie


async def logout(info: strawberry.Info) -> bool:
    clear_session_cookie(info.context.response)
    return True

"""Who is calling: the session token from the `token` cookie or an `Authorization: Bearer` header.

One middleware resolves the current user for every route (GraphQL, REST, media), and renews the
cookie when less than `token_renew_seconds` are left, so an active user is never logged out.
A token is accepted only while its session is open on the account (resolvers/auth/sessions.py:
logout, password or role change, deletion, "log out everywhere" end it), checked on the user
record the request reads anyway: no extra round trip.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache

from aiohttp import web

from graph.services import SERVICES, Services
from graph.settings import Settings
from resolvers.auth.sessions import session_is_live
from resolvers.auth.tokens import SessionClaims, TokenSigner
from store.records import UserRecord

COOKIE_NAME = "token"
CURRENT_USER = web.RequestKey[UserRecord | None]("user")
CURRENT_SESSION = web.RequestKey[SessionClaims | None]("session")


def set_session_cookie(response: web.StreamResponse, token: str, settings: Settings) -> None:
    response.set_cookie(
        COOKIE_NAME, token, httponly=True, samesite="Lax", path="/",
        secure=settings.secure_cookies, max_age=int(settings.token_ttl_seconds),
    )


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE_NAME, path="/")


def issue_session(services: Services, response: web.StreamResponse, user: UserRecord,
                  session_id: str | None = None) -> str:
    """A token for `user` (a new session, or `session_id` continued), also set as the session
    cookie on `response`."""
    token = services.tokens.issue(user["username"], user.get("session_key", ""), services.now(),
                                  session_id)
    set_session_cookie(response, token, services.settings)
    return token


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


@lru_cache(maxsize=4096)
def _genuine(tokens: TokenSigner, token: str) -> SessionClaims | None:
    """The claims of a token whose signature and shape are good, expiry not yet checked: a pure
    function of the token and the secret, so it is computed once per token (a JWT decode costs
    tens of µs, every request paid it). Nothing about the user is cached: `_authenticate` still
    checks the expiry against the clock and reads the account on every request."""
    return tokens.read(token, float("-inf"))


async def _authenticate(services: Services, token: str | None) -> tuple[UserRecord | None, SessionClaims | None]:
    if not token:
        return None, None
    claims = _genuine(services.tokens, token)
    if claims is None or claims.expires_at <= services.now():
        return None, None
    user = await services.store.get_user(claims.username)  # a deleted account's token is dead
    return (user, claims) if user and session_is_live(user, claims) else (None, None)


async def authenticate(services: Services, token: str | None) -> UserRecord | None:
    """The user a session token stands for now, or None (bad, expired or ended session, or a
    deleted account): what the middleware checks per request, and a live socket periodically."""
    return (await _authenticate(services, token))[0]


@web.middleware
async def session_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    services = request.app[SERVICES]
    bearer = bearer_token(request)
    user, claims = await _authenticate(services, bearer or request.cookies.get(COOKIE_NAME))
    request[CURRENT_USER] = user
    request[CURRENT_SESSION] = claims
    response = await handler(request)
    renew_before = services.now() + services.settings.token_renew_seconds
    if (user and claims and not bearer and claims.expires_at < renew_before
            and COOKIE_NAME not in response.cookies and not response.prepared):
        issue_session(services, response, user, claims.session_id)
    return response


def current_user(request: web.Request) -> UserRecord | None:
    return request.get(CURRENT_USER)


def current_session(request: web.Request | None) -> SessionClaims | None:
    """The claims of the request's valid session token (None: anonymous)."""
    return request.get(CURRENT_SESSION) if request is not None else None

"""Shared fixtures: a temporary workspace, an injectable clock, the app on the embedded engine (or
on MongoDB when MONGODB_URI is set), logged-in callers, and both store engines for contract tests."""
from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph.app import create_app, default_store
from graph.settings import Settings
from store import Store
from store.mongo import MongoStore
from store.sqlite import SqliteStore
from tests.client import CREATE_USER, Caller, login
from argon2 import profiles

from resolvers.auth import passwords
from tests.mongomock_compat import accept_bulk_update_sort

accept_bulk_update_sort()
# In-process servers hash with argon2's cheapest parameters (microseconds, not ~0.2 s of CPU per
# account or login); servers started as processes (tests/serverproc.py, the CLI) keep the real ones.
passwords.use_parameters(profiles.CHEAPEST)

ADMIN_PASSWORD = "admin-password-for-tests"
USER_PASSWORD = "user-password-for-tests"
MONGODB_URI = os.environ.get("MONGODB_URI")


class FakeClock:
    """Time that moves only when a test says so (leases, durations, token expiry)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    root.mkdir()
    return root


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _mongo_store(database: str) -> MongoStore:
    if MONGODB_URI:
        return MongoStore.from_uri(MONGODB_URI, database)
    from mongomock_motor import AsyncMongoMockClient

    return MongoStore(AsyncMongoMockClient(), database)


@pytest.fixture
def settings(workspace: Path, clock: FakeClock) -> Settings:
    return Settings(workspace=workspace, admin_password=ADMIN_PASSWORD, clock=clock,
                    mongodb_uri=MONGODB_URI,
                    mongodb_database=f"pixano_test_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def engine(request) -> str:
    """The store engine behind `http`: the embedded default unless a module asks for both with
    `pytestmark = BOTH_ENGINES` (MONGODB_URI set: MongoDB either way)."""
    return getattr(request, "param", "sqlite")


#: `pytestmark = BOTH_ENGINES` runs every test of a module through the API on each engine.
BOTH_ENGINES = pytest.mark.parametrize("engine", ["sqlite", "mongodb"], indirect=True)


def _app_store(engine: str):
    """The store factory `create_app` gets for `engine`."""
    if engine == "mongodb" and not MONGODB_URI:
        return lambda settings: _mongo_store(settings.mongodb_database)
    return default_store


@pytest.fixture
async def http(aiohttp_client, settings: Settings, engine: str):
    """The whole server behind pytest-aiohttp's test client (SQLite, or MongoDB if MONGODB_URI,
    or on mongomock for modules that run on both engines)."""
    client = await aiohttp_client(create_app(settings, _app_store(engine)))
    yield client
    if MONGODB_URI:
        from motor.motor_asyncio import AsyncIOMotorClient

        await AsyncIOMotorClient(MONGODB_URI).drop_database(settings.mongodb_database)


@pytest.fixture
def anonymous(http) -> Caller:
    return Caller(http)


@pytest.fixture
async def admin(http) -> Caller:
    return await login(http, "admin", ADMIN_PASSWORD)


async def make_user(http, admin: Caller, username: str, role: str = "USER") -> Caller:
    await admin.gql(CREATE_USER, {"input": {"username": username, "password": USER_PASSWORD,
                                            "role": role}})
    return await login(http, username, USER_PASSWORD)


@pytest.fixture
async def alice(http, admin: Caller) -> Caller:
    return await make_user(http, admin, "alice")


@pytest.fixture
async def bob(http, admin: Caller) -> Caller:
    return await make_user(http, admin, "bob")


@pytest.fixture(params=["sqlite", "mongodb"])
async def store(request, tmp_path: Path) -> AsyncIterator[Store]:
    """Each engine in turn, opened on an empty database: the store contract runs on both."""
    if request.param == "sqlite":
        engine: Store = SqliteStore(tmp_path / "contract.sqlite3")
    else:
        engine = _mongo_store(f"pixano_contract_{uuid.uuid4().hex[:12]}")
    await engine.open()
    yield engine
    if request.param == "mongodb" and MONGODB_URI:
        await engine._client.drop_database(engine._db.name)
    await engine.close()

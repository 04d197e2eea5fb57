"""Live tests re-check sessions often, so that an expiry on the fake clock shows at once."""
from __future__ import annotations

import dataclasses

import pytest

from graph.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, live_auth_recheck_seconds=0.05)

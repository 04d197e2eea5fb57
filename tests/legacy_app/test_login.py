"""The login page (views/app-login.js) and the app's start (app.js): log in, land on the
dashboard of one's role, reload with the session cookie, log out."""
from __future__ import annotations

import pytest

from tests.conftest import ADMIN_PASSWORD, BOTH_ENGINES
from tests.legacy_app.app import AppError

pytestmark = BOTH_ENGINES


async def test_login_lands_on_the_dashboard_of_ones_role(tab, campaign) -> None:
    admin = tab()
    res = await admin.login_request("admin", ADMIN_PASSWORD)
    assert admin.sent[0].body == {"password": ADMIN_PASSWORD, "username": "admin"}
    assert res["user"]["username"] == "admin" and "password" not in res["user"]
    assert admin.navigate_home() == "dashboard-admin"
    assert admin.task_name == "cars"  # getTasks selects the first task
    ann = tab()
    await ann.login_request("ann", "ann-password")
    assert ann.navigate_home() == "dashboard-user"


async def test_wrong_password_is_refused_and_the_app_stays_on_login(tab, campaign) -> None:
    app = tab()
    with pytest.raises(AppError) as refused:
        await app.login_request("ann", "not-the-password")
    assert refused.value.status == 401 and refused.value.message
    assert app.navigate_home() == "login"
    with pytest.raises(AppError) as profile:  # app.js on reload: no session
        await app.get_profile()
    assert profile.value.status == 401


async def test_a_reload_keeps_the_session_and_logout_ends_it(tab, campaign) -> None:
    app = tab()
    await app.login_request("ann", "ann-password")
    app.current_user = {}  # a reload: the state is gone, the cookie stays
    profile = await app.get_profile()
    assert (profile["username"], profile["role"]) == ("ann", "user")
    assert [t["name"] for t in await app.get_tasks()] == ["cars"]
    await app.logout()
    with pytest.raises(AppError) as after:
        await app.get_profile()
    assert after.value.status == 401

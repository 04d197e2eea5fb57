"""The user manager (views/app-user-manager.js): list, add, edit (role, theme, password) and
delete users, as the admin's screen sends them; users cannot use it."""
from __future__ import annotations

import pytest

from tests.conftest import BOTH_ENGINES
from tests.legacy_app.app import AppError
from tests.legacy_app.conftest import user_tab

pytestmark = BOTH_ENGINES


async def test_add_edit_and_delete_users(tab, campaign) -> None:
    admin = campaign["admin"]
    users = await admin.get_users()
    assert {u["username"] for u in users} == {"admin", "ann", "val", "ann2"}
    assert all("password" not in u for u in users)
    ann = next(u for u in users if u["username"] == "ann")
    assert (ann["role"], ann["preferences"]) == ("user", {"theme": "white"})

    # onAddUser: {username, password, role, preferences: {theme}}, then the list again
    users = await admin.signup({"username": "lea", "password": "lea-password", "role": "admin",
                                "preferences": {"theme": "black"}})
    lea = next(u for u in users if u["username"] == "lea")
    assert (lea["role"], lea["preferences"]) == ("admin", {"theme": "black"})
    with pytest.raises(AppError) as taken:
        await admin.signup({"username": "lea", "password": "x", "role": "user",
                            "preferences": {"theme": "white"}})
    assert taken.value.status == 400

    # onSaveUser: the row as listed, its role changed, the (empty) password field sent along
    users = await admin.update_user({**lea, "role": "user", "password": ""})
    assert next(u for u in users if u["username"] == "lea")["role"] == "user"
    assert (await user_tab(tab, "lea")).current_user["username"] == "lea"  # password kept
    await admin.update_user({**lea, "role": "user", "password": "new-password"})
    with pytest.raises(AppError):
        await tab().login_request("lea", "lea-password")
    assert (await tab().login_request("lea", "new-password"))["user"]["username"] == "lea"

    users = await admin.delete_user("lea")
    assert "lea" not in {u["username"] for u in users}
    assert admin.sent[-2].method == "DELETE" and admin.sent[-2].body == {}


async def test_users_cannot_manage_users(tab, campaign) -> None:
    ann = await user_tab(tab, "ann")
    for call in (ann.get_users(), ann.signup({"username": "x", "password": "y", "role": "admin",
                                              "preferences": {}}), ann.delete_user("val")):
        with pytest.raises(AppError) as refused:
            await call
        assert refused.value.status == 403

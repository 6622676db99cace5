"""Sign-in, sign-out, wrong password, throttling, deactivated accounts."""

from __future__ import annotations

import pytest

from app.auth.service import MAX_FAILURES_PER_ACCOUNT
from app.auth.tables import LoginAttempt
from tests.support.factories import csrf_token


@pytest.fixture(autouse=True)
async def fresh_throttle():
    """Every test here starts with no recorded failures (they all come from the same test address)."""
    await LoginAttempt.delete(force=True)
    yield
    await LoginAttempt.delete(force=True)


async def _post_login(client, username, password, token=None):
    token = token or await csrf_token(client)
    return await client.post(
        "/login", data={"username": username, "password": password, "_csrf_token": token}, follow_redirects=False
    )


async def test_sign_in_lands_on_home_and_sign_out_ends_the_session(client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    token = await login(client, staff)
    home = await client.get("/")
    assert home.status_code == 200
    assert office["name"] in home.text
    out = await client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    after = await client.get("/", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/login")


async def test_session_survives_a_server_restart(app, office, make_staff, login):
    """Sessions live in the database: a new app instance knows the cookie."""
    from app.main import create_app
    from tests.conftest import make_client

    staff = await make_staff(office["id"], "duty")
    async with make_client(app) as first:
        await login(first, staff)
        cookies = dict(first.cookies)
    async with make_client(create_app(manage_pool=False)) as second:
        second.cookies.update(cookies)
        response = await second.get("/", follow_redirects=False)
    assert response.status_code == 200
    assert staff["username"] not in ("",) and "测试duty" in response.text


async def test_wrong_password_and_unknown_user_get_the_same_clear_message(client, office, make_staff):
    staff = await make_staff(office["id"], "duty")
    wrong_password = await _post_login(client, staff["username"], "not-the-password")
    unknown_user = await _post_login(client, "nobody-here", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert "用户名或密码错误" in wrong_password.text
    assert "用户名或密码错误" in unknown_user.text
    assert "sid" not in wrong_password.cookies


async def test_login_is_throttled_per_account_after_repeated_failures(client, office, make_staff):
    staff = await make_staff(office["id"], "duty")
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert (await _post_login(client, staff["username"], "wrong-password")).status_code == 401
    throttled = await _post_login(client, staff["username"], staff["password"])  # even the right password
    assert throttled.status_code == 429
    assert "15" in throttled.text


async def test_login_is_throttled_per_client_address(client, office, make_staff):
    from app.auth.service import MAX_FAILURES_PER_ADDRESS

    staff = await make_staff(office["id"], "duty")
    # Failures from this address against many accounts (recorded as the login route records them).
    await LoginAttempt.insert(
        *[
            LoginAttempt(username=f"x{i}", client_ip="127.0.0.1", succeeded=False)
            for i in range(MAX_FAILURES_PER_ADDRESS)
        ]
    )
    throttled = await _post_login(client, staff["username"], staff["password"])
    assert throttled.status_code == 429


async def test_deactivated_account_cannot_sign_in(client, office, make_staff):
    from app.auth.tables import Staff

    staff = await make_staff(office["id"], "duty")
    await Staff.update({Staff.is_active: False}).where(Staff.id == staff["id"])
    response = await _post_login(client, staff["username"], staff["password"])
    assert response.status_code == 401


async def test_login_form_without_csrf_token_is_refused(client, office, make_staff):
    staff = await make_staff(office["id"], "duty")
    await client.get("/login")
    response = await client.post(
        "/login", data={"username": staff["username"], "password": staff["password"]}, follow_redirects=False
    )
    assert response.status_code == 403


async def test_next_parameter_cannot_redirect_off_site(client, office, make_staff):
    staff = await make_staff(office["id"], "duty")
    token = await csrf_token(client)
    response = await client.post(
        "/login",
        data={
            "username": staff["username"],
            "password": staff["password"],
            "_csrf_token": token,
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"

"""Issue 16, sessions: revoked on password reset and deactivation; the idle timeout
(APP_SESSION_IDLE_MINUTES); the CSRF token rotated at sign-in and bound to the session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.auth.tables import AuthSession
from app.settings import get_settings
from tests.support.factories import csrf_token


async def _signed_out(client) -> bool:
    response = await client.get("/", follow_redirects=False)
    return response.status_code == 303 and response.headers["location"].startswith("/login")


async def _edit(supervisor_client, token, member, **changes):
    data = {"display_name": "改过", "role": "duty", "phone": "", "department": "", "password": "", **changes}
    return await supervisor_client.post(
        f"/staff/{member['id']}", data={**data, "_csrf_token": token}, follow_redirects=False
    )


async def test_a_password_reset_ends_the_accounts_sessions(client, new_client, office, make_staff, login):
    supervisor = await make_staff(office["id"], "supervisor")
    member = await make_staff(office["id"], "duty")
    token = await login(client, supervisor)
    async with new_client() as phone:
        await login(phone, member)
        assert not await _signed_out(phone)
        assert (await _edit(client, token, member)).status_code == 303  # no new password: stays signed in
        assert not await _signed_out(phone)
        assert (await _edit(client, token, member, password="a-new-password-1")).status_code == 303
        assert await _signed_out(phone)


async def test_deactivation_ends_the_accounts_sessions(client, new_client, office, make_staff, login):
    supervisor = await make_staff(office["id"], "supervisor")
    member = await make_staff(office["id"], "duty")
    token = await login(client, supervisor)
    async with new_client() as phone:
        await login(phone, member)
        response = await client.post(
            f"/staff/{member['id']}/active", data={"active": "0", "_csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303
        assert await _signed_out(phone)
    assert await AuthSession.count().where(AuthSession.staff == member["id"]) == 0


async def _idle_for(staff_id: int, idle: timedelta) -> None:
    await AuthSession.update({AuthSession.last_seen_at: datetime.now(UTC) - idle}).where(AuthSession.staff == staff_id)


async def test_a_session_unused_for_the_idle_limit_ends(client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    await login(client, staff)
    await _idle_for(staff["id"], timedelta(hours=11, minutes=50))  # within a 12-hour shift
    assert not await _signed_out(client)
    await _idle_for(staff["id"], timedelta(hours=12, minutes=5))
    assert await _signed_out(client)
    assert await AuthSession.count().where(AuthSession.staff == staff["id"]) == 0


async def test_the_idle_limit_is_configurable(client, office, make_staff, login, monkeypatch):
    monkeypatch.setenv("APP_SESSION_IDLE_MINUTES", "30")
    get_settings.cache_clear()
    try:
        staff = await make_staff(office["id"], "duty")
        await login(client, staff)
        await _idle_for(staff["id"], timedelta(minutes=20))
        assert not await _signed_out(client)
        await _idle_for(staff["id"], timedelta(minutes=31))
        assert await _signed_out(client)
    finally:
        monkeypatch.delenv("APP_SESSION_IDLE_MINUTES")
        get_settings.cache_clear()


async def test_use_moves_the_idle_clock(client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    await login(client, staff)
    await _idle_for(staff["id"], timedelta(hours=2))
    await client.get("/")
    row = await AuthSession.select(AuthSession.last_seen_at).where(AuthSession.staff == staff["id"]).first()
    last_seen = row["last_seen_at"] if row["last_seen_at"].tzinfo else row["last_seen_at"].replace(tzinfo=UTC)
    assert datetime.now(UTC) - last_seen < timedelta(minutes=1)


async def test_sign_in_rotates_the_csrf_token_and_the_old_one_is_refused(client, office, make_staff):
    staff = await make_staff(office["id"], "duty")
    before = await csrf_token(client)
    signed_in = await client.post(
        "/login",
        data={"username": staff["username"], "password": staff["password"], "_csrf_token": before},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    after = (await client.get("/api/session")).json()["csrf_token"]
    assert after != before
    assert client.cookies.get("csrftoken") == after
    stale = await client.post("/language", data={"language": "en", "_csrf_token": before}, follow_redirects=False)
    assert stale.status_code == 403
    fresh = await client.post("/language", data={"language": "zh-CN", "_csrf_token": after}, follow_redirects=False)
    assert fresh.status_code == 303


async def test_a_planted_csrf_pair_is_worth_nothing_for_a_signed_in_session(client, new_client, office, make_staff):
    """An attacker takes a valid cookie+token pair from their own visit and plants the cookie in the
    victim's browser (a sibling subdomain can): double-submit alone would accept it."""
    from tests.support.factories import login

    staff = await make_staff(office["id"], "duty")
    async with new_client() as attacker:
        planted = await csrf_token(attacker)
    await login(client, staff)
    client.cookies.set("csrftoken", planted, domain="testserver.local")
    forged = await client.post("/language", data={"language": "en", "_csrf_token": planted}, follow_redirects=False)
    assert forged.status_code == 403
    # the next page puts the session's own token back in the browser
    page = await client.get("/")
    assert page.status_code == 200
    assert page.cookies.get("csrftoken") == (await client.get("/api/session")).json()["csrf_token"]


async def test_two_sessions_of_one_person_have_different_tokens(client, new_client, office, make_staff, login):
    staff = await make_staff(office["id"], "duty")
    first = await login(client, staff)
    async with new_client() as second_phone:
        second = await login(second_phone, staff)
        assert first != second
        refused = await second_phone.post("/language", data={"language": "en", "_csrf_token": first})
        assert refused.status_code == 403

"""Push set-up: VAPID keys made once, the public key served to the page, several devices per
person that they can see, test and remove."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from app.alerts.queue import drain_once
from app.alerts.tables import PushSubscription
from app.alerts.vapid import key_path, public_key
from app.settings import ROOT
from tests.api.alerts.conftest import add_device


def _cli() -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "vapid-keys"], cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True
    )


async def test_vapid_keys_are_made_once_and_the_public_key_is_served(client, office, make_staff, login):
    first, second = _cli(), _cli()
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    assert "kept the existing" in second.stdout
    key = public_key()
    assert f"public key: {key}" in first.stdout and f"public key: {key}" in second.stdout
    assert stat.S_IMODE(key_path().stat().st_mode) == 0o600
    await login(client, await make_staff(office["id"], "technician"))
    response = await client.get("/api/alerts/vapid-public-key")
    assert response.status_code == 200 and response.json() == {"public_key": key}
    assert len(key) == 87  # 65-byte uncompressed P-256 point, base64url without padding


async def test_a_person_subscribes_several_devices_and_sees_them(client, office, make_staff, login, push_service):
    tech = await make_staff(office["id"], "technician")
    token = await login(client, tech)
    phone, tablet = push_service.new_subscription(), push_service.new_subscription()
    headers = {"x-csrftoken": token}
    first = await client.post("/api/alerts/subscriptions", json=phone.as_json("Chrome · Android"), headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post("/api/alerts/subscriptions", json=phone.as_json("Chrome · Android"), headers=headers)
    assert again.json()["id"] == first.json()["id"]  # the same browser subscribing again: one row
    second = await client.post("/api/alerts/subscriptions", json=tablet.as_json("Edge · Windows"), headers=headers)
    assert second.status_code == 201
    assert await PushSubscription.count().where(PushSubscription.staff == tech["id"]) == 2
    page = await client.get("/alerts/devices", headers={"HX-Request": "true"})
    assert page.status_code == 200 and "<html" not in page.text
    assert "Chrome · Android" in page.text and "Edge · Windows" in page.text
    profile = await client.get("/profile")
    assert "data-push-enable" in profile.text and 'hx-get="/alerts/devices"' in profile.text


async def test_bad_subscriptions_get_a_clear_answer(client, office, make_staff, login, push_service):
    token = await login(client, await make_staff(office["id"], "technician"))
    headers = {"x-csrftoken": token}
    good = push_service.new_subscription().as_json()
    response = await client.post("/api/alerts/subscriptions", content=b"{not json", headers=headers)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_body"
    response = await client.post(
        "/api/alerts/subscriptions", json={"endpoint": good["endpoint"], "keys": {"p256dh": "x"}}, headers=headers
    )
    assert response.status_code == 422 and response.json()["error"]["message"]
    elsewhere = {**good, "endpoint": "http://push.example.com/abc"}
    response = await client.post("/api/alerts/subscriptions", json=elsewhere, headers=headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "bad_endpoint"
    assert "推送地址" in response.json()["error"]["message"]
    response = await client.post("/api/alerts/subscriptions", json=good)  # no CSRF token
    assert response.status_code == 403


async def test_a_person_removes_their_own_device_only(client, new_client, office, make_staff, login, push_service):
    tech, other = await make_staff(office["id"], "technician"), await make_staff(office["id"], "technician")
    mine = await add_device(tech, push_service.new_subscription())
    theirs = await add_device(other, push_service.new_subscription())
    token = await login(client, tech)
    response = await client.post(f"/alerts/devices/{theirs}/delete", data={"_csrf_token": token})
    assert response.status_code == 404
    assert await PushSubscription.exists().where(PushSubscription.id == theirs)
    response = await client.post(
        f"/alerts/devices/{mine}/delete", data={"_csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "已移除" in response.text
    assert not await PushSubscription.exists().where(PushSubscription.id == mine)


async def test_the_test_button_reaches_only_that_device(client, office, make_staff, login, push_service, senders):
    tech = await make_staff(office["id"], "technician")
    phone, tablet = push_service.new_subscription(), push_service.new_subscription()
    phone_id = await add_device(tech, phone)
    await add_device(tech, tablet)
    token = await login(client, tech)
    response = await client.post(f"/alerts/devices/{phone_id}/test", data={"_csrf_token": token})
    assert response.status_code == 200 and "测试通知已发出" in response.text
    await drain_once(senders)
    [payload] = push_service.delivered(phone)
    assert payload["kind"] == "test" and payload["title"] == "测试通知：此手机可以收到提醒"
    assert payload["url"].startswith("/alerts/")
    assert push_service.delivered(tablet) == []

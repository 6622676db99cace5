"""Issue 16, SSRF: push endpoints and work-chat robots must be public https addresses — refused at
registration, and again at send time (a registered name may later resolve elsewhere)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import aiohttp
import pytest

from app.alerts.senders import REFUSED_STATUS, Senders
from app.outbound import PublicOnlyResolver, UnsafeAddress, address_problem, client_session, url_problem

INTERNAL = [
    "https://127.0.0.2/push/x",
    "https://10.0.0.8/push/x",
    "https://192.168.1.1/push/x",
    "https://169.254.169.254/latest/meta-data",
    "https://[fd00:ec2::254]/latest",
    "https://[::1]/push",
    "https://[::ffff:127.0.0.1]/push",
    "https://100.100.100.200/latest/meta-data",  # Alibaba Cloud's metadata service
    "https://224.0.0.1/push",
    "https://0.0.0.0/push",
    "https://localhost/push",
    "https://localhost:8443/push",
    "http://push.example.com/abc",  # plain http
]


@pytest.mark.parametrize("url", INTERNAL)
def test_non_public_addresses_are_refused(url):
    assert url_problem(url) is not None


def test_public_https_and_the_allow_list_pass():
    assert url_problem("https://fcm.googleapis.com/fcm/send/abc") is None
    assert url_problem("https://8.8.8.8/x") is None
    assert url_problem("http://127.0.0.1:1234/push/x") is None  # APP_OUTBOUND_ALLOW=127.0.0.1:* in tests
    assert url_problem("http://127.0.0.2:1234/push/x") is not None


async def test_registration_refuses_internal_push_endpoints(client, office, make_staff, login):
    token = await login(client, await make_staff(office["id"], "technician"))
    keys = {
        "p256dh": "BOr6fQ8AZx6f0hHn3z-7Cjg6e1Ma0H8f8iVNCl1ggG6RjGTBFgPaJjUFMJoD1m2vqLq3c8e7E4BzKZ8FoJHbKsw",
        "auth": "c2VjcmV0LWF1dGgtMTY",
    }
    good = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": keys, "label": "test phone"}
    for url in INTERNAL:
        response = await client.post(
            "/api/alerts/subscriptions", json={**good, "endpoint": url}, headers={"x-csrftoken": token}
        )
        assert response.status_code == 422, url
        assert response.json()["error"]["code"] == "bad_endpoint"
        assert "推送地址" in response.json()["error"]["message"]
    ok = await client.post("/api/alerts/subscriptions", json=good, headers={"x-csrftoken": token})
    assert ok.status_code in {200, 201}, ok.text


# A name that is on no list but resolves to loopback (this machine's /etc/hosts: its own host name).
INSIDE_NAME = socket.gethostname()


async def test_a_name_resolving_to_loopback_is_refused_at_registration():
    assert url_problem(f"https://{INSIDE_NAME}/push") is None  # the name alone says nothing …
    assert await address_problem(f"https://{INSIDE_NAME}/push") is not None  # … its addresses do


async def test_the_connect_time_check_refuses_a_name_that_resolves_inside():
    """What stops DNS rebinding: the resolver of the sending session refuses non-public answers."""
    with pytest.raises(UnsafeAddress):
        await PublicOnlyResolver().resolve(INSIDE_NAME, 443)
    async with client_session(aiohttp.ClientTimeout(total=5)) as session:
        with pytest.raises(UnsafeAddress):
            await session.post(f"https://{INSIDE_NAME}/push", data=b"x")
        with pytest.raises(UnsafeAddress):
            await session.post("https://169.254.169.254/latest", data=b"x")


async def test_sending_to_an_internal_endpoint_is_refused_without_a_request():
    async with Senders() as senders:
        sub = {"endpoint": "https://169.254.169.254/push/x", "p256dh": "x", "auth": "y"}
        pushed = await senders.push(sub, b"{}", ttl=60, urgency="high", now=datetime.now(UTC))
        assert not pushed.ok and pushed.status == REFUSED_STATUS and "public" in pushed.error
        robot = {"webhook_kind": "wecom", "webhook_url": "https://10.1.2.3/cgi-bin/webhook/send?key=k"}
        posted = await senders.webhook(robot, "测试", [])
        assert not posted.ok and posted.status == REFUSED_STATUS


async def test_the_robot_address_must_be_public(client, office, make_staff, login):
    supervisor = await make_staff(office["id"], "supervisor")
    token = await login(client, supervisor)
    form = {"webhook_kind": "wecom", "_csrf_token": token}
    for code in ("urgent_repair", "duty_major", "nonconformance", "handover_refused"):
        form.update({f"{code}-push": "on", f"{code}-step1-to": "manager", f"{code}-step1-wait": "5"})
    for url in ("https://10.0.0.8/cgi-bin/webhook/send?key=k", "https://169.254.169.254/x", "https://localhost/x"):
        response = await client.post("/alerts/settings", data={**form, "webhook_url": url})
        assert response.status_code == 422, url
        assert "公网" in response.text

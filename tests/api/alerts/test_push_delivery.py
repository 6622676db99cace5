"""Web push delivery (DESIGN "Push"; W6, D7): the durable queue, the push service's answers, VAPID.

The push service is a loopback double that verifies the VAPID JWT against the app's public key
and decrypts each message with the subscription's private key; assertions are on what a phone
would decrypt.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import pytest

from app.alerts import service
from app.alerts.kinds import LadderStep
from app.alerts.queue import backoff, drain_once
from app.alerts.senders import Senders
from app.alerts.tables import AlertDelivery, AlertEvent, PushSubscription
from app.alerts.vapid import public_key
from app.settings import ROOT
from tests.api.alerts.conftest import add_device


async def _deliveries(alert_id) -> list[dict]:
    return await AlertDelivery.select().where(AlertDelivery.alert == alert_id).order_by(AlertDelivery.created_at)


async def _actions(alert_id) -> list[str]:
    rows = await AlertEvent.select(AlertEvent.action).where(AlertEvent.alert == alert_id).order_by(AlertEvent.id)
    return [r["action"] for r in rows]


async def test_urgent_alert_reaches_the_phone_signed_and_encrypted(office, make_staff, push_service, senders, t0):
    """W6: the payload a phone decrypts is the alert: kind and title, body, the alert's page, its id."""
    manager = await make_staff(office["id"], "manager")
    phone = push_service.new_subscription()
    await add_device(manager, phone, "Chrome · Android")
    alert_id = await service.raise_alert(
        office_id=office["id"], kind="duty_major", title="3栋电梯困人", body="请立即到场", now=t0
    )
    stats = await drain_once(senders, t0)
    assert stats.sent == 1
    [payload] = push_service.delivered(phone)
    assert payload == {
        "id": str(alert_id),
        "title": "重大事项（值班记录）：3栋电梯困人",
        "body": "请立即到场",
        "url": f"/alerts/{alert_id}",
        "kind": "duty_major",
        "needs_ack": True,
    }
    attempt = push_service.attempts[-1]
    assert attempt.claims["aud"] == push_service.base_url and attempt.claims["sub"].startswith("mailto:")
    assert attempt.headers["Urgency"] == "high" and int(attempt.headers["TTL"]) > 0
    [row] = await _deliveries(alert_id)
    assert row["status"] == "sent" and row["attempts"] == 1 and row["staff"] == manager["id"]
    assert "delivered" in await _actions(alert_id)
    sub = await PushSubscription.select(PushSubscription.last_success_at).where(PushSubscription.staff == manager["id"])
    assert sub[0]["last_success_at"] is not None


async def test_every_device_of_every_recipient_gets_one_message(office, make_staff, push_service, senders, t0):
    """Several devices per person; each receives the alert once, none twice on a second drain."""
    a, b = await make_staff(office["id"], "manager"), await make_staff(office["id"], "manager")
    phones = {"a1": push_service.new_subscription(), "a2": push_service.new_subscription()}
    phones["b1"] = push_service.new_subscription()
    await add_device(a, phones["a1"])
    await add_device(a, phones["a2"])
    await add_device(b, phones["b1"])
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="停电", now=t0)
    await drain_once(senders, t0)
    await drain_once(senders, t0 + timedelta(minutes=1))
    for keys in phones.values():
        assert [p["id"] for p in push_service.delivered(keys)] == [str(alert_id)]


@pytest.mark.parametrize("status", [404, 410])
async def test_an_expired_subscription_is_removed(office, make_staff, push_service, senders, t0, status):
    """404/410 from the push service: the subscription is gone; the record says so; later alerts skip it."""
    manager = await make_staff(office["id"], "manager")
    phone = push_service.new_subscription()
    sub_id = await add_device(manager, phone)
    push_service.answer(phone, status)
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="水浸", now=t0)
    stats = await drain_once(senders, t0)
    assert stats.gone == 1
    assert not await PushSubscription.exists().where(PushSubscription.id == sub_id)
    [row] = await _deliveries(alert_id)
    assert row["status"] == "gone"
    assert "gone" in await _actions(alert_id)
    later = await service.raise_alert(office_id=office["id"], kind="duty_major", title="再次水浸", now=t0)
    assert await _deliveries(later) == []
    assert "no_device" in await _actions(later)


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_throttling_and_server_errors_are_retried_with_backoff(
    office, make_staff, push_service, senders, t0, status
):
    """429/5xx: the message waits (backoff), is sent again, and arrives exactly once."""
    manager = await make_staff(office["id"], "manager")
    phone = push_service.new_subscription()
    await add_device(manager, phone)
    push_service.answer(phone, status, status)
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="火警", now=t0)
    assert (await drain_once(senders, t0)).retried == 1
    [row] = await _deliveries(alert_id)
    assert row["status"] == "pending" and row["last_status"] == status
    first_wait = backoff(1)
    assert row["next_attempt_at"] == t0 + first_wait
    assert (await drain_once(senders, t0 + first_wait - timedelta(seconds=1))).claimed == 0  # not yet due
    assert (await drain_once(senders, t0 + first_wait)).retried == 1
    later = t0 + first_wait + backoff(2)
    assert (await drain_once(senders, later)).sent == 1
    assert len(push_service.delivered(phone)) == 1
    [row] = await _deliveries(alert_id)
    assert row["status"] == "sent" and row["attempts"] == 3
    assert (await _actions(alert_id)).count("retry") == 2


async def test_retry_after_of_a_429_is_respected(office, make_staff, push_service, senders, t0):
    manager = await make_staff(office["id"], "manager")
    phone = push_service.new_subscription()
    await add_device(manager, phone)
    push_service.answer(phone, 429, retry_after="120")
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="限流", now=t0)
    await drain_once(senders, t0)
    [row] = await _deliveries(alert_id)
    assert row["next_attempt_at"] == t0 + timedelta(seconds=120)


async def test_a_message_the_push_service_refuses_for_good_is_failed_not_retried(
    office, make_staff, push_service, senders, t0
):
    """400/403/413 will not change by retrying: failed at once, recorded with the status."""
    manager = await make_staff(office["id"], "manager")
    phone = push_service.new_subscription()
    await add_device(manager, phone)
    push_service.answer(phone, 413)
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="太大", now=t0)
    assert (await drain_once(senders, t0)).failed == 1
    [row] = await _deliveries(alert_id)
    assert row["status"] == "failed" and row["last_status"] == 413
    assert "failed" in await _actions(alert_id)


async def test_vapid_header_is_signed_once_per_push_service_until_it_nears_expiry(push_service, t0):
    """VAPID JWTs are reused per push-service origin, not recomputed per message; renewed before expiry."""
    phones = [push_service.new_subscription() for _ in range(3)]
    async with Senders() as senders:
        for keys in phones:
            row = {"endpoint": keys.endpoint, **keys.as_json()["keys"]}
            result = await senders.push(row, b'{"title": "x"}', ttl=60, urgency="normal", now=t0)
            assert result.ok, result
        assert senders.vapid.signed == 1
        tokens = {a.headers["Authorization"] for a in push_service.attempts}
        assert len(tokens) == 1
        row = {"endpoint": phones[0].endpoint, **phones[0].as_json()["keys"]}
        assert (await senders.push(row, b"{}", ttl=60, urgency="normal", now=t0 + timedelta(hours=11, minutes=30))).ok
        assert senders.vapid.signed == 2
        assert push_service.attempts[-1].headers["Authorization"] not in tokens


async def test_two_drainers_racing_send_each_message_once(office, make_staff, push_service, t0):
    """Two drainers (separate senders; separate connections on PostgreSQL) claim disjoint messages."""
    people = [await make_staff(office["id"], "manager") for _ in range(6)]
    phones = []
    for person in people:
        for _ in range(3):
            keys = push_service.new_subscription()
            await add_device(person, keys)
            phones.append(keys)
    await service.raise_alert(office_id=office["id"], kind="duty_major", title="并发", now=t0)

    async def drainer() -> int:
        claimed = 0
        async with Senders() as senders:
            while (stats := await drain_once(senders, t0, limit=3)).claimed:
                claimed += stats.claimed
        return claimed

    counts = await asyncio.gather(drainer(), drainer())
    assert sum(counts) == len(phones)
    assert all(len(push_service.delivered(keys)) == 1 for keys in phones)


async def test_two_app_processes_draining_one_queue_send_each_notification_exactly_once(
    office, make_staff, push_service, t0
):
    """DESIGN "Push": several app instances drain one queue (FOR UPDATE SKIP LOCKED on PostgreSQL;
    an IMMEDIATE transaction on SQLite). Two real processes, started together, race over 120 messages."""
    people = [await make_staff(office["id"], "manager") for _ in range(4)]
    phones = []
    for person in people:
        for _ in range(30):
            keys = push_service.new_subscription()
            await add_device(person, keys)
            phones.append(keys)
    await service.raise_alert(office_id=office["id"], kind="duty_major", title="两个进程", now=t0)
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.support.drain_process",
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for process in processes:  # both are connected and waiting: start them together
        assert (await asyncio.wait_for(process.stdout.readline(), 60)).strip() == b"ready"
    for process in processes:
        process.stdin.write(b"go\n")
        await process.stdin.drain()
    outputs = [await asyncio.wait_for(p.communicate(), 120) for p in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()[-2000:]
    claimed = [int(out.decode().split()[-1]) for out, _ in outputs]
    assert sum(claimed) == len(phones)
    assert all(count > 0 for count in claimed), f"both processes should have sent some: {claimed}"
    assert all(len(push_service.delivered(keys)) == 1 for keys in phones)
    assert len(push_service.attempts) == len(phones)


async def test_the_app_key_is_what_the_push_service_checks(push_service):
    assert push_service.vapid_public_key == public_key()


async def test_a_ladder_override_is_used(office, make_staff, push_service, senders, t0):
    """`ladder=` in raise_alert overrides the office's ladder for that alert."""
    lead = await make_staff(office["id"], "engineering_lead")
    phone = push_service.new_subscription()
    await add_device(lead, phone)
    alert_id = await service.raise_alert(
        office_id=office["id"], kind="duty_major", title="工程", ladder=[LadderStep("engineering_lead", 5)], now=t0
    )
    await drain_once(senders, t0)
    assert [p["id"] for p in push_service.delivered(phone)] == [str(alert_id)]

"""Acknowledgement and escalation with a controllable clock (W6, D6, D7): nobody acknowledges →
the next step is notified after its wait; an acknowledgement stops the ladder; every step,
delivery and acknowledgement is recorded with time and person."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from app.alerts import service
from app.alerts.kinds import RECIPIENTS, LadderStep
from app.alerts.queue import drain_once
from app.alerts.tables import Alert, AlertDelivery, AlertEvent, AlertRecipient
from app.db import write_transaction
from app.duty.tables import DutyLogEntry
from tests.api.alerts.conftest import add_device, as_current
from tests.support.sync import mutation, sync

LADDER = [LadderStep(RECIPIENTS, 5), LadderStep("engineering_lead", 5), LadderStep("manager", 5)]


@pytest.fixture
async def crew(office, make_staff):
    """An office's technician, engineering lead, manager, and a patrol officer (not on the ladder)."""
    return {
        role: await make_staff(office["id"], role)
        for role in ("technician", "engineering_lead", "manager", "patrol", "supervisor")
    }


async def _notified(alert_id) -> dict[int, int]:
    rows = await AlertRecipient.select(AlertRecipient.staff, AlertRecipient.level).where(
        AlertRecipient.alert == alert_id
    )
    return {r["staff"]: r["level"] for r in rows}


async def _events(alert_id) -> list[tuple[str, int | None, int | None]]:
    rows = (
        await AlertEvent.select(AlertEvent.action, AlertEvent.level, AlertEvent.staff)
        .where(AlertEvent.alert == alert_id)
        .order_by(AlertEvent.id)
    )
    return [(r["action"], r["level"], r["staff"]) for r in rows]


async def _raise(office, crew, t0, **extra):
    return await service.raise_alert(
        office_id=office["id"],
        kind="urgent_repair",
        title="2栋水浸",
        recipients=[crew["technician"]["id"]],
        ladder=extra.pop("ladder", LADDER),
        now=t0,
        **extra,
    )


async def test_nobody_acknowledges_so_each_next_step_is_notified_after_its_wait(office, crew, t0):
    """W6: technician at once; the engineering lead after 5 minutes; the manager after 5 more; then
    the ladder is exhausted (recorded) and the alert stays open."""
    tech, lead, manager = crew["technician"]["id"], crew["engineering_lead"]["id"], crew["manager"]["id"]
    alert_id = await _raise(office, crew, t0)
    assert await _notified(alert_id) == {tech: 0}

    await service.escalate_due(t0 + timedelta(minutes=4, seconds=59))
    assert await _notified(alert_id) == {tech: 0}
    await service.escalate_due(t0 + timedelta(minutes=5))
    assert await _notified(alert_id) == {tech: 0, lead: 1}
    await service.escalate_due(t0 + timedelta(minutes=9))
    assert await _notified(alert_id) == {tech: 0, lead: 1}
    await service.escalate_due(t0 + timedelta(minutes=10))
    assert await _notified(alert_id) == {tech: 0, lead: 1, manager: 2}
    await service.escalate_due(t0 + timedelta(minutes=15))
    await service.escalate_due(t0 + timedelta(minutes=60))

    events = await _events(alert_id)
    assert [e for e in events if e[0] in {"notified", "escalated", "exhausted"}] == [
        ("notified", 0, tech),
        ("escalated", 1, None),
        ("notified", 1, lead),
        ("escalated", 2, None),
        ("notified", 2, manager),
        ("exhausted", 2, None),
    ]
    alert = await Alert.select(Alert.status, Alert.level, Alert.next_escalation_at).where(Alert.id == alert_id).first()
    assert alert == {"status": "open", "level": 2, "next_escalation_at": None}


async def test_an_acknowledgement_stops_the_ladder(client, office, crew, login, t0):
    """W6: the technician acknowledges (a sync mutation, as the phone sends it) at 2 minutes:
    nobody else is notified; a later acknowledgement is recorded and changes nothing."""
    tech, lead = crew["technician"], crew["engineering_lead"]
    alert_id = await _raise(office, crew, t0)
    token = await login(client, tech)
    ack = mutation("alert.acknowledge", {"alert_id": str(alert_id), "note": "马上到"})
    result = (await sync(client, token, [ack])).json()["results"][0]
    assert result["status"] == "applied", result
    alert = await Alert.select().where(Alert.id == alert_id).first()
    assert alert["status"] == "acknowledged" and alert["acknowledged_by"] == tech["id"]
    assert alert["ack_note"] == "马上到" and alert["next_escalation_at"] is None

    await service.escalate_due(t0 + timedelta(minutes=30))
    assert lead["id"] not in await _notified(alert_id)
    # The same mutation again: a duplicate, nothing recorded twice.
    again = (await sync(client, token, [ack])).json()["results"][0]
    assert again["status"] == "duplicate"
    # The manager (who may acknowledge any alert of the office) acknowledges too: recorded only.
    assert await service.acknowledge(await as_current(crew["manager"]), alert_id, "我也知道了") is False
    acks = [e for e in await _events(alert_id) if e[0] == "acknowledged"]
    assert [e[2] for e in acks] == [tech["id"], crew["manager"]["id"]]
    alert = await Alert.select(Alert.acknowledged_by).where(Alert.id == alert_id).first()
    assert alert["acknowledged_by"] == tech["id"]


async def test_acknowledging_through_the_plain_form(client, office, crew, login, t0):
    """No JavaScript: the page's form posts the same mutation through the sync service."""
    alert_id = await _raise(office, crew, t0)
    token = await login(client, crew["technician"])
    page = await client.get(f"/alerts/{alert_id}")
    assert page.status_code == 200 and 'data-mutation="alert.acknowledge"' in page.text
    response = await client.post(
        f"/alerts/{alert_id}/ack",
        data={"note": "已到现场", "id": str(uuid.uuid4()), "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = await client.get(f"/alerts/{alert_id}")
    assert 'id="ack-done"' in page.text and "已到现场" in page.text and "ack-form" not in page.text


async def test_a_note_too_long_gets_a_message_beside_the_field(client, office, crew, login, t0):
    alert_id = await _raise(office, crew, t0)
    token = await login(client, crew["technician"])
    response = await client.post(f"/alerts/{alert_id}/ack", data={"note": "长" * 201, "_csrf_token": token})
    assert response.status_code == 422
    assert 'id="e-note"' in response.text and "最多 200 个字符" in response.text
    assert (await Alert.select(Alert.status).where(Alert.id == alert_id).first())["status"] == "open"


async def test_only_people_it_was_sent_to_or_the_office_managers_may_acknowledge(
    client, office, other_office, crew, make_staff, login, t0
):
    alert_id = await _raise(office, crew, t0)
    token = await login(client, crew["patrol"])
    result = (await sync(client, token, [mutation("alert.acknowledge", {"alert_id": str(alert_id)})])).json()[
        "results"
    ][0]
    assert result["status"] == "rejected" and result["error"]["code"] == "not_recipient"
    assert "不能确认" in result["error"]["message"]
    outsider = await make_staff(other_office["id"], "manager")
    async with client.__class__(transport=client._transport, base_url=client.base_url) as other:
        other_token = await login(other, outsider)
        result = (await sync(other, other_token, [mutation("alert.acknowledge", {"alert_id": str(alert_id)})])).json()[
            "results"
        ][0]
        assert result["status"] == "rejected" and result["error"]["code"] == "not_found"
        assert (await other.get(f"/alerts/{alert_id}")).status_code == 404
    assert (await Alert.select(Alert.status).where(Alert.id == alert_id).first())["status"] == "open"


async def test_default_urgent_repair_ladder_notifies_technician_and_engineering_lead_at_once(office, crew, t0):
    """W6 defaults: the named technician and (wait 0) the engineering lead at once; the manager after 5 min."""
    tech, lead, manager = crew["technician"]["id"], crew["engineering_lead"]["id"], crew["manager"]["id"]
    alert_id = await service.raise_alert(
        office_id=office["id"], kind="urgent_repair", title="电梯困人", recipients=[tech], now=t0
    )
    assert await _notified(alert_id) == {tech: 0, lead: 1}
    alert = await Alert.select(Alert.next_escalation_at).where(Alert.id == alert_id).first()
    assert alert["next_escalation_at"] == t0 + timedelta(minutes=5)
    await service.escalate_due(t0 + timedelta(minutes=5))
    assert (await _notified(alert_id))[manager] == 2


async def test_a_step_with_nobody_is_skipped_and_recorded(office, make_staff, t0):
    """No engineering lead in this office: that step is skipped at once, the manager is next."""
    tech = await make_staff(office["id"], "technician")
    manager = await make_staff(office["id"], "manager")
    alert_id = await service.raise_alert(
        office_id=office["id"], kind="urgent_repair", title="停水", recipients=[tech["id"]], ladder=LADDER, now=t0
    )
    await service.escalate_due(t0 + timedelta(minutes=5))
    assert await _notified(alert_id) == {tech["id"]: 0, manager["id"]: 2}
    assert ("skipped", 1, None) in await _events(alert_id)


async def test_escalation_delivers_to_the_next_steps_phone(office, crew, push_service, senders, t0):
    """The escalated push says nobody has acknowledged yet, in the recipient's language."""
    lead_phone = push_service.new_subscription()
    await add_device(crew["engineering_lead"], lead_phone)
    alert_id = await _raise(office, crew, t0)
    await drain_once(senders, t0)
    assert push_service.delivered(lead_phone) == []
    await service.escalate_due(t0 + timedelta(minutes=5))
    await drain_once(senders, t0 + timedelta(minutes=5))
    [payload] = push_service.delivered(lead_phone)
    assert payload["id"] == str(alert_id) and payload["level"] == 1
    assert payload["body"].startswith("仍无人确认。")


async def test_two_escalators_racing_notify_the_next_step_once(office, crew, t0):
    """Several app instances escalate at once: each alert's step is taken by one of them."""
    alerts = [await _raise(office, crew, t0) for _ in range(5)]
    await asyncio.gather(*(service.escalate_due(t0 + timedelta(minutes=5)) for _ in range(3)))
    for alert_id in alerts:
        assert sorted((await _notified(alert_id)).values()) == [0, 1]
        assert [e[0] for e in await _events(alert_id)].count("escalated") == 1


async def test_a_rolled_back_transaction_sends_nothing(office, crew, push_service, senders, t0):
    """Raised inside a transaction that fails (a sync batch rolled back): no alert, nothing queued or sent."""
    phone = push_service.new_subscription()
    sub_id = await add_device(crew["technician"], phone)
    source = f"test:{uuid.uuid4()}"
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await _raise(office, crew, t0, source=source)
            assert await AlertDelivery.exists().where(AlertDelivery.subscription == sub_id)  # queued, then…
            raise RuntimeError("the batch failed")
    assert not await Alert.exists().where(Alert.source == source)
    assert not await AlertDelivery.exists().where(AlertDelivery.subscription == sub_id)
    await drain_once(senders, t0)
    assert push_service.attempts == []


async def test_raising_twice_from_one_source_gives_one_alert(office, crew, t0):
    first = await _raise(office, crew, t0, source="work_order:42")
    second = await _raise(office, crew, t0 + timedelta(seconds=3), source="work_order:42")
    assert first == second
    assert await Alert.count().where((Alert.source == "work_order:42") & (Alert.office == office["id"])) == 1


async def test_a_major_duty_log_entry_alerts_the_managers_who_must_acknowledge(
    client, office, make_staff, login, push_service, senders
):
    """D6, D7: "major" in the duty log → an alert to the office's manager at once, with acknowledgement,
    queued in the sync batch and delivered after it; "difficult" and rejected entries raise nothing."""
    duty = await make_staff(office["id"], "duty")
    manager = await make_staff(office["id"], "manager")
    phone = push_service.new_subscription()
    await add_device(manager, phone)
    token = await login(client, duty)
    major = mutation(
        "duty_log.append", {"category": "emergency", "text": "3栋地下室水浸，已关总阀", "escalation": "major"}
    )
    difficult = mutation("duty_log.append", {"category": "help", "text": "住户要求协调", "escalation": "difficult"})
    bad_unit = mutation(
        "duty_log.append", {"category": "help", "text": "坏单元", "escalation": "major", "unit_id": 987654321}
    )
    results = (await sync(client, token, [major, difficult, bad_unit])).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    alerts = await Alert.select().where((Alert.office == office["id"]) & (Alert.kind == "duty_major"))
    assert len(alerts) == 1
    [alert] = alerts
    entry = await DutyLogEntry.select(DutyLogEntry.shift_date).where(DutyLogEntry.id == uuid.UUID(major["id"])).first()
    assert alert["source"] == f"duty_log:{major['id']}" and alert["needs_ack"] is True
    assert alert["url"] == f"/duty-log?day={entry['shift_date'].isoformat()}#entry-{major['id']}"
    assert alert["title"] == "3栋地下室水浸，已关总阀" and alert["raised_by"] == duty["id"]
    assert await _notified(alert["id"]) == {manager["id"]: 0}
    await drain_once(senders)
    [payload] = push_service.delivered(phone)
    assert payload["title"] == "重大事项（值班记录）：3栋地下室水浸，已关总阀"
    assert payload["url"] == f"/alerts/{alert['id']}" and payload["needs_ack"] is True

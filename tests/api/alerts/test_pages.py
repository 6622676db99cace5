"""The alert pages: a person's open and past alerts, one alert with its ladder and full record,
office scoping; the home page puts open alerts first; the live stream's pieces."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from app.alerts import service, stream
from app.alerts.queue import drain_once
from app.alerts.tables import AlertEvent, AlertRecipient
from tests.api.alerts.conftest import add_device, as_current


async def test_my_alerts_lists_open_ones_first_then_earlier_ones(client, office, make_staff, login, t0):
    manager = await make_staff(office["id"], "manager")
    acked = await service.raise_alert(office_id=office["id"], kind="duty_major", title="已处理的事", now=t0)
    await service.acknowledge(await as_current(manager), acked, now=t0)
    await service.raise_alert(office_id=office["id"], kind="duty_major", title="还没确认的事", now=t0)
    await login(client, manager)
    page = await client.get("/alerts")
    assert page.status_code == 200
    html = page.text
    assert html.index("等待确认") < html.index("还没确认的事") < html.index("以往提醒") < html.index("已处理的事")
    fragment = await client.get("/alerts", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "还没确认的事" in fragment.text
    home = await client.get("/")
    assert "等待你确认的提醒" in home.text and "重大事项（值班记录）: 还没确认的事" in home.text


async def test_a_person_sees_only_alerts_sent_to_them_unless_they_look_at_the_whole_office(
    client, office, make_staff, login, t0
):
    tech = await make_staff(office["id"], "technician")
    await make_staff(office["id"], "manager")
    await service.raise_alert(office_id=office["id"], kind="duty_major", title="经理的提醒", now=t0)
    await login(client, tech)
    assert "经理的提醒" not in (await client.get("/alerts?show=office")).text  # not a role that sees all
    supervisor = await make_staff(office["id"], "supervisor")
    await login(client, supervisor)
    assert "经理的提醒" not in (await client.get("/alerts")).text
    assert "经理的提醒" in (await client.get("/alerts?show=office")).text


async def test_the_alert_page_shows_the_ladder_deliveries_and_the_record(
    client, office, make_staff, login, push_service, senders, t0
):
    """Every delivery, acknowledgement and escalation with time and person, on the alert's page."""
    manager = await make_staff(office["id"], "manager")
    supervisor = await make_staff(office["id"], "supervisor")
    await add_device(manager, push_service.new_subscription(), "Chrome · Android")
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="配电房冒烟", now=t0)
    await drain_once(senders, t0)
    await service.escalate_due(t0 + timedelta(minutes=5))
    await service.acknowledge(await as_current(supervisor), alert_id, "已派人", now=t0 + timedelta(minutes=6))
    await login(client, manager)
    page = await client.get(f"/alerts/{alert_id}")
    assert page.status_code == 200
    html = page.text
    for text in ("升级顺序", "管理处经理", "客服主管", "已送达", "Chrome · Android", "已升级：无人按时确认", "已派人"):
        assert text in html, text
    assert 'id="ack-done"' in html and "ack-form" not in html
    # Opening the page is recorded once per person.
    await client.get(f"/alerts/{alert_id}")
    opened = await AlertEvent.select(AlertEvent.staff).where(
        (AlertEvent.alert == alert_id) & (AlertEvent.action == "opened")
    )
    assert opened == [{"staff": manager["id"]}]
    fragment = await client.get(f"/alerts/{alert_id}", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="alert-detail"')


async def test_another_office_cannot_see_an_alert(client, office, other_office, make_staff, login, t0):
    await make_staff(office["id"], "manager")
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="本处的事", now=t0)
    await login(client, await make_staff(other_office["id"], "manager"))
    assert (await client.get(f"/alerts/{alert_id}")).status_code == 404
    assert "本处的事" not in (await client.get("/alerts?show=office")).text


async def test_the_stream_sends_new_alerts_once_and_records_them_as_shown(office, make_staff, t0):
    """In-app channel: hello with the open count, then each new alert once; "shown" is recorded."""
    manager = await as_current(await make_staff(office["id"], "manager"))
    events = stream.events(manager, poll_seconds=0.05, lifetime_seconds=1.5)
    hello = await anext(events)
    assert hello.event == "hello"
    assert '"open_count":0' in hello.data
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="实时提醒")
    message = await asyncio.wait_for(anext(events), 5)
    assert message.event == "alert" and str(alert_id) in message.data and "实时提醒" in message.data
    assert '"open_count":1' in message.data and message.id
    # Not sent again; the stream ends after its lifetime (the browser reconnects by itself).
    rest = [m async for m in events]
    assert all(str(alert_id) not in m.data for m in rest)
    row = await AlertRecipient.select(AlertRecipient.shown_at).where(AlertRecipient.alert == alert_id).first()
    assert row["shown_at"] is not None  # recorded once the event had been handed to the connection
    assert await AlertEvent.exists().where((AlertEvent.alert == alert_id) & (AlertEvent.action == "shown"))


async def test_a_reconnecting_stream_resumes_from_its_cursor(office, make_staff):
    manager = await as_current(await make_staff(office["id"], "manager"))
    first = stream.events(manager, poll_seconds=0.05, lifetime_seconds=0.2)
    cursor = stream.parse_cursor((await anext(first)).id)
    _ = [m async for m in first]
    alert_id = await service.raise_alert(office_id=office["id"], kind="duty_major", title="断线期间的提醒")
    again = stream.events(manager, since=cursor, poll_seconds=0.05, lifetime_seconds=0.5)
    messages = [m async for m in again]
    assert [m.event for m in messages] == ["hello", "alert"] and str(alert_id) in messages[1].data

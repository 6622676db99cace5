"""The alert pages: a person's alerts in three parts with paging, one alert with its ladder and full record,
office scoping; the home page puts open alerts first; the live stream's pieces."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import timedelta

import pytest

from app.alerts import service, stream
from app.alerts._lists import PAGE_SIZE, open_for
from app.alerts.queue import drain_once
from app.alerts.tables import AlertEvent, AlertRecipient
from app.db import get_engine
from tests.api.alerts.conftest import add_device, as_current


def _part(html: str, name: str) -> str:
    """The HTML of one part of the alerts page ("" when the page does not show it)."""
    start = html.find(f'id="alerts-{name}"')
    return html[start : html.index("</section>", start)] if start >= 0 else ""


def _titles(html: str) -> list[str]:
    return re.findall(r'<p class="entry-text">([^<]*)</p>', html)


async def test_my_alerts_show_open_then_acknowledged_then_history(client, office, make_staff, login, t0):
    """Three parts: waiting for acknowledgement, acknowledged, and the history of alerts for information."""
    manager = await make_staff(office["id"], "manager")
    acked = await service.raise_alert(office_id=office["id"], kind="duty_major", title="已处理的事", now=t0)
    await service.acknowledge(await as_current(manager), acked, now=t0)
    await service.raise_alert(office_id=office["id"], kind="duty_major", title="还没确认的事", now=t0)
    await service.raise_alert(
        office_id=office["id"], kind="nonconformance", title="知会的事", recipients=[manager["id"]], now=t0
    )
    await login(client, manager)
    page = await client.get("/alerts")
    assert page.status_code == 200
    html = page.text
    assert html.index("等待确认") < html.index("已确认的提醒") < html.index("历史提醒（仅知会）")
    assert _titles(_part(html, "open")) == ["还没确认的事"]
    assert _titles(_part(html, "acknowledged")) == ["已处理的事"]
    assert _titles(_part(html, "history")) == ["知会的事"]
    assert 'rel="next"' not in html  # one page is all there is
    fragment = await client.get("/alerts", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "还没确认的事" in fragment.text
    home = await client.get("/")
    assert "等待你确认的提醒" in home.text and "重大事项（值班记录）: 还没确认的事" in home.text


async def test_each_part_pages_back_with_an_older_link_instead_of_a_cap(client, office, make_staff, login, t0):
    """More than a page (and more than the old cap of 50): "older" links reach every alert once;
    alerts raised in the same second are neither repeated nor skipped across a page break."""
    head = await make_staff(office["id"], "dept_head", department="cleaning")
    titles = [f"知会{i:02d}" for i in range(PAGE_SIZE * 2 + 15)]
    for i, title in enumerate(titles):
        when = t0 + timedelta(seconds=i // 3)
        await service.raise_alert(
            office_id=office["id"], kind="nonconformance", title=title, recipients=[head["id"]], now=when
        )
    await login(client, head)
    html = (await client.get("/alerts")).text
    first = _titles(_part(html, "history"))
    assert len(first) == PAGE_SIZE and first[0] == titles[-1] and set(titles[-(PAGE_SIZE - 1) :]) <= set(first)
    seen, pages = list(first), 1
    while older := re.search(r'href="(/alerts\?show=mine&amp;part=history&amp;before=[0-9a-f-]{36})"', html):
        response = await client.get(older.group(1).replace("&amp;", "&"))
        assert response.status_code == 200
        html = response.text
        assert _part(html, "open") == "" and "返回最新" in html  # an older page shows only its part
        seen += _titles(_part(html, "history"))
        pages += 1
    assert pages == 3 and sorted(seen) == sorted(titles)  # each once
    unknown = (await client.get(f"/alerts?part=history&before={uuid.uuid4()}")).text
    assert _titles(_part(unknown, "history")) == first  # a cursor not in this list: from the newest
    assert (await client.get("/alerts?part=nonsense")).status_code == 400


@pytest.fixture
def bound_values(monkeypatch) -> list[int]:
    """How many values each SQL statement run from now on binds (both engines)."""
    engine_class = type(get_engine())  # NOTE: engines have __slots__, so the class is patched
    run = engine_class.run_querystring
    sizes: list[int] = []

    async def counted(self, querystring, *args, **kwargs):
        sizes.append(len(querystring.compile_string(engine_type=self.engine_type)[1]))
        return await run(self, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted)
    return sizes


async def test_my_alerts_are_matched_in_the_database_not_passed_back_as_ids(
    client, office, make_staff, login, t0, bound_values
):
    """/alerts, the home page and the live stream's open alerts: the queries stay the same size
    however many alerts a person was ever sent (no list of every alert id bound into IN (...))."""
    manager = await make_staff(office["id"], "manager")
    me = await as_current(manager)
    await login(client, manager)

    async def largest_statement() -> int:
        bound_values.clear()
        assert (await client.get("/alerts")).status_code == 200
        assert (await client.get("/")).status_code == 200
        await open_for(me)
        return max(bound_values)

    await service.raise_alert(office_id=office["id"], kind="duty_major", title="第一件", now=t0)
    one = await largest_statement()
    for i in range(30):
        await service.raise_alert(office_id=office["id"], kind="duty_major", title=f"又一件{i}", now=t0)
    assert await largest_statement() == one
    assert len(await open_for(me, limit=50)) == 31


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


async def test_the_counter_drops_when_an_alert_is_acknowledged(office, make_staff, t0):
    """The top bar's count of alerts waiting for acknowledgement drops at once when one is
    acknowledged (here or by someone else): the stream sends the new count."""
    manager = await as_current(await make_staff(office["id"], "manager"))
    before = t0 - timedelta(minutes=1)  # raised before the page opened: in the hello's count
    first = await service.raise_alert(office_id=office["id"], kind="duty_major", title="配电房冒烟", now=before)
    await service.raise_alert(office_id=office["id"], kind="duty_major", title="地库水浸", now=before)
    events = stream.events(manager, poll_seconds=0.05, lifetime_seconds=3)
    hello = await anext(events)
    assert '"open_count":2' in hello.data
    await service.acknowledge(manager, first, "已处理")
    message = await asyncio.wait_for(anext(events), 5)
    assert message.event == "count" and '"open_count":1' in message.data
    await events.aclose()

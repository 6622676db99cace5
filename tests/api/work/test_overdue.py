"""W4: each category has a standard completion time (per office); orders past it are flagged
overdue on every list, the owner's home page and the engineering lead's."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from app.work.service import list_orders, list_requests, now
from tests.api.work.conftest import issue, take_request, zh


async def test_w4_overdue_shows_on_the_owners_and_the_engineering_leads_lists(people):
    """A plumbing request taken 30 hours ago (saved offline, synced now) is past its 24 h standard time."""
    desk, tech, lead = people["frontdesk"], people["tech"], people["lead"]
    late_id = await take_request(desk, people["office"], "超时的下水道堵塞", recorded_at=now() - timedelta(hours=30))
    fresh_id = await take_request(desk, people["office"], "刚报的下水道堵塞")
    await issue(desk, late_id, tech)
    await issue(desk, fresh_id, tech)

    def overdue_items(html: str) -> list[str]:
        return [chunk for chunk in html.split("<li")[1:] if "overdue-badge" in chunk]

    for actor, url in [
        (desk, "/work/requests?view=mine"),
        (lead, "/work/orders?view=open"),
        (lead, "/work/orders?view=overdue"),
        (tech, "/work/orders?view=mine"),
    ]:
        html = (await actor.client.get(url)).text
        flagged = overdue_items(html)
        assert any("超时的下水道堵塞" in item for item in flagged), url
        assert not any("刚报的下水道堵塞" in item for item in flagged), url
    # Home pages: the owner's "Requests I own" and the lead's "Overdue work orders".
    owner_home = (await desk.client.get("/")).text
    assert f"{zh('Overdue')} · " in owner_home and "超时的下水道堵塞" in owner_home
    lead_home = (await lead.client.get("/")).text
    section = lead_home[lead_home.index(zh("Overdue work orders")) :]
    assert "超时的下水道堵塞" in section and "刚报的下水道堵塞" not in section.split("</section>")[0]


async def test_w4_overdue_follows_the_clock_passed_in(people):
    """The same open order is not overdue now and is overdue once its standard time has passed."""
    desk, tech, lead = people["frontdesk"], people["tech"], people["lead"]
    order_id = await issue(desk, await take_request(desk, people["office"], "电梯按钮失灵", category="lifts"), tech)
    viewer = await lead.current()
    fresh = {str(o["id"]): o for o in await list_orders(viewer, "open", now())}
    assert fresh[order_id]["overdue"] is False
    assert order_id not in {str(o["id"]) for o in await list_orders(viewer, "overdue", now())}
    later = now() + timedelta(hours=4, minutes=1)  # lifts: 4 hours
    overdue = {str(o["id"]): o for o in await list_orders(viewer, "overdue", later)}
    assert overdue[order_id]["overdue"] is True
    mine = await list_requests(await desk.current(), "mine", later)
    assert any(r["overdue"] for r in mine if r["order"] and str(r["order"]["id"]) == order_id)


async def test_w4_standard_times_are_per_office_and_apply_to_new_orders(people):
    lead, desk, tech = people["lead"], people["frontdesk"], people["tech"]
    form = {f"hours_{code}": "24" for code in ("plumbing", "electrical", "doors_locks", "safety_facilities")}
    form |= {"hours_lifts": "2", "hours_public_facilities": "72", "hours_leaks": "48", "hours_other": "72"}
    response = await lead.post("/work/settings/categories", form)
    assert response.status_code == 303
    order_id = await issue(desk, await take_request(desk, people["office"], "电梯异响", category="lifts"), tech)
    viewer = await lead.current()
    rows = {str(o["id"]): o for o in await list_orders(viewer, "overdue", now() + timedelta(hours=2, minutes=1))}
    assert rows[order_id]["standard_hours"] == 2


async def test_w4_a_repair_still_waiting_for_its_order_is_overdue_too(people):
    """Nobody issued the order: the request itself is flagged on its owner's list once the category's
    standard time has passed since the resident reported it."""
    desk = people["frontdesk"]
    await take_request(
        desk, people["office"], "无人派单的漏水", category="leaks", recorded_at=now() - timedelta(hours=49)
    )
    await take_request(desk, people["office"], "刚报的渗水", category="leaks", recorded_at=now() - timedelta(hours=47))
    html = (await desk.client.get("/work/requests?view=mine")).text
    flagged = [chunk for chunk in html.split("<li")[1:] if "overdue-badge" in chunk]
    assert any("无人派单的漏水" in item for item in flagged)
    assert not any("刚报的渗水" in item for item in flagged)


async def test_w4_a_waiting_repair_counts_from_its_appointment_when_that_is_later(people):
    """W4, as for orders: the standard time runs from the later of reported and appointment. Reported
    49 hours ago (leaks: 48 h) but the resident is home only from 2 hours ago: not overdue yet."""
    desk = people["frontdesk"]
    reported = now() - timedelta(hours=49)
    tz = ZoneInfo((await desk.current()).office_time_zone)
    appointment = (now() - timedelta(hours=2)).astimezone(tz)
    await take_request(
        desk,
        people["office"],
        "约了上门的漏水",
        category="leaks",
        recorded_at=reported,
        appointment_at=appointment.strftime("%Y-%m-%dT%H:%M"),
    )
    await take_request(desk, people["office"], "没约时间的漏水", category="leaks", recorded_at=reported)
    rows = {r["description"]: r for r in await list_requests(await desk.current(), "mine", now())}
    assert rows["约了上门的漏水"]["overdue"] is False
    assert rows["没约时间的漏水"]["overdue"] is True
    later = now() + timedelta(hours=46, minutes=1)  # appointment + 48 h has passed
    rows = {r["description"]: r for r in await list_requests(await desk.current(), "mine", later)}
    assert rows["约了上门的漏水"]["overdue"] is True

"""The supervisor's daily review (SPEC P4), rounds that fall due for entrusted homes (P5), and the home
page sections of each role."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.org.tables import Unit
from app.patrols import service
from app.patrols.tables import CheckItem, Checkpoint, PatrolRoute, RoundTask
from tests.api.patrols.conftest import Phone, make_route, png_bytes, statuses, sync_all, upload
from tests.support.sync import mutation

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def supervisor(office, make_staff):
    return await make_staff(office["id"], "supervisor")


async def test_the_review_shows_the_days_rounds_failed_checks_open_items_and_rounds_not_done(
    client, patrol, route, office, supervisor, login, unique
):
    """P4: rounds of the day with counts, failed checks with photos, open and overdue items, and the routes
    that have fewer rounds than they expect (P1: daily rounds)."""
    twice = await make_route(office["id"], f"每日两次{unique}", checkpoints=1, daily=2)
    photo = await upload(client, patrol["token"], png_bytes(seed=3))
    phone = Phone(route)
    cps = route["checkpoints"]
    finding = phone.finding(
        "fail", checkpoint_id=cps[0]["id"], check_item_id=cps[0]["items"][0], note="积水", photos=[photo]
    )
    nc = mutation("nonconformance.create", {"finding_id": finding["id"], "department": "engineering"})
    other = Phone(twice)
    batch = [
        phone.start(),
        phone.visit(cps[0]["code"]),
        finding,
        nc,
        phone.finish(),
        other.start(),
        other.visit(twice["checkpoints"][0]["code"]),
        other.finish(),
    ]
    assert statuses(await sync_all(client, patrol["token"], batch)) == ["applied"] * len(batch)

    await login(client, supervisor)
    page = await client.get("/patrols/review")
    assert page.status_code == 200
    rounds = page.text[page.text.index('id="rounds"') : page.text.index('id="failed"')]
    assert f'data-round-id="{phone.round_id}"' in rounds and route["name"] in rounds
    assert "−2" in rounds  # two of the three checkpoints skipped
    failed = page.text[page.text.index('id="failed"') : page.text.index('id="open-ncs"')]
    assert "积水" in failed and f"/api/attachments/{photo}" in failed
    assert nc["id"] in page.text[page.text.index('id="open-ncs"') :]
    not_done = page.text[page.text.index('id="not-done"') : page.text.index('id="rounds"')]
    assert twice["name"] in not_done and "1 / 2" in not_done
    assert route["name"] not in not_done  # its one daily round is done


async def test_a_round_belongs_to_the_office_day_it_was_walked_on(client, patrol, route, supervisor, login):
    """Times are the office's (Asia/Shanghai): 23:30 local is still that day, though UTC is 15:30."""
    yesterday = datetime.now(SHANGHAI).date() - timedelta(days=1)
    late_evening = datetime.combine(yesterday, time(23, 30), tzinfo=SHANGHAI).astimezone(UTC)
    phone = Phone(route)
    start = mutation("patrol_round.start", {"route_id": route["id"]}, phone.round_id, recorded_at=late_evening)
    assert statuses(await sync_all(client, patrol["token"], [start])) == ["applied"]
    await login(client, supervisor)
    that_day = await client.get(f"/patrols/review?day={yesterday.isoformat()}")
    assert phone.round_id in that_day.text and "23:30" in that_day.text
    assert phone.round_id not in (await client.get("/patrols/review")).text


@pytest.fixture
async def entrusted_units(office):
    """Two of the office's units are entrusted homes (托管房)."""
    units = office["units"][:2]
    await Unit.update({Unit.entrusted: True}).where(Unit.id.is_in(units))
    return units


async def test_entrusted_homes_get_a_route_a_weekly_round_and_rain_rounds(
    client, office, entrusted_units, supervisor, make_staff, login
):
    """P5: the entrusted-homes route follows the units; a weekly round falls due once a week; one action
    makes a before/after heavy rain round due; doing it marks it done."""
    token = await login(client, supervisor)
    created = await client.post(
        "/patrols/routes",
        data={"_csrf_token": token, "name": "托管房户外", "kind": "entrusted", "daily_rounds": "0"},
        follow_redirects=False,
    )
    route_id = int(created.headers["location"].rsplit("/", 1)[1])
    checkpoints = await Checkpoint.select(Checkpoint.id, Checkpoint.unit).where(Checkpoint.route == route_id)
    assert sorted(c["unit"] for c in checkpoints) == sorted(entrusted_units)
    labels = [
        r["label"] for r in await CheckItem.select(CheckItem.label).where(CheckItem.checkpoint == checkpoints[0]["id"])
    ]
    assert "门窗关闭完好" in labels  # set up in the supervisor's language

    day = datetime.now(SHANGHAI).date()
    await asyncio.gather(*[service.ensure_weekly_tasks(office["id"], day) for _ in range(4)])
    await client.get("/patrols")
    weekly = await RoundTask.select().where((RoundTask.route == route_id) & (RoundTask.reason == "weekly"))
    assert len(weekly) == 1 and weekly[0]["due_date"] == day - timedelta(days=day.weekday())

    for when in ("after", "after", "before"):
        response = await client.post(
            "/patrols/tasks/rain", data={"_csrf_token": token, "when": when}, follow_redirects=False
        )
        assert response.status_code == 303
    reasons = sorted(r["reason"] for r in await RoundTask.select(RoundTask.reason).where(RoundTask.route == route_id))
    assert reasons == ["rain_after", "rain_before", "weekly"]

    patrol = await make_staff(office["id"], "patrol")
    patrol_token = await login(client, patrol)
    walk = await client.get(f"/patrols/routes/{route_id}/walk")
    assert "大雨后巡查" in walk.text and "每周户外巡查" in walk.text
    home = await client.get("/")
    assert "托管房户外" in home.text
    rain_after = (
        await RoundTask.select(RoundTask.id)
        .where((RoundTask.route == route_id) & (RoundTask.reason == "rain_after"))
        .first()
    )["id"]
    route = {"id": route_id}
    phone = Phone(route)
    assert statuses(await sync_all(client, patrol_token, [phone.start(task_id=rain_after)])) == ["applied"]
    done = await RoundTask.select(RoundTask.round).where(RoundTask.id == rain_after).first()
    assert done["round"] == uuid.UUID(phone.round_id)
    walk = await client.get(f"/patrols/routes/{route_id}/walk")
    assert "大雨后巡查" not in walk.text

    # A unit no longer entrusted leaves the route (retired, its history kept).
    await Unit.update({Unit.entrusted: False}).where(Unit.id == entrusted_units[0])
    token = await login(client, supervisor)  # a new sign-in, a new CSRF token (bound to the session)
    response = await client.post("/patrols/tasks/rain", data={"_csrf_token": token, "when": "before"})
    assert response.status_code in (200, 303)
    active = await Checkpoint.select(Checkpoint.unit).where((Checkpoint.route == route_id) & Checkpoint.active.eq(True))
    assert [c["unit"] for c in active] == [entrusted_units[1]]


async def test_rain_rounds_need_an_entrusted_route(client, office, supervisor, login):
    token = await login(client, supervisor)
    response = await client.post("/patrols/tasks/rain", data={"_csrf_token": token, "when": "after"})
    assert response.status_code == 422
    assert await PatrolRoute.count().where(PatrolRoute.office == office["id"]) == 0


async def test_home_pages_show_patrol_work_for_each_role(client, patrol, route, office, make_staff, login):
    home = await client.get("/")
    assert "今日待巡查" in home.text and route["name"] in home.text
    phone = Phone(route)
    cp = route["checkpoints"][0]
    finding = phone.finding("fail", checkpoint_id=cp["id"], check_item_id=cp["items"][0], note="玻璃脏")
    nc = mutation("nonconformance.create", {"finding_id": finding["id"], "department": "cleaning"})
    await sync_all(client, patrol["token"], [phone.start(), finding, nc])
    head = await make_staff(office["id"], "dept_head", department="cleaning")
    await login(client, head)
    home = await client.get("/")
    assert "待整改的不合格项" in home.text and "检查项1-1" in home.text
    supervisor = await make_staff(office["id"], "supervisor")
    await login(client, supervisor)
    home = await client.get("/")
    assert "未关闭的不合格项" in home.text and "检查项1-1" in home.text

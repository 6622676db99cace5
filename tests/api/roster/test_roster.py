"""The duty roster (SPEC D1, D2, D4, D8): the month grid, publishing, holidays, leave and substitutes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.auth.schemas import CurrentStaff
from app.roster import home
from app.roster.service import effective_assignments, month_days, month_key, next_month, rostered_for
from app.roster.tables import Holiday, LeaveRequest, RosterAssignment, RosterMonth
from tests.api.roster.support import TZ, publish
from tests.support.sync import mutation, sync


@pytest.fixture
async def team(client, office, make_staff, login):
    """An office with a supervisor (signed in), a manager, two duty officers and a front-desk clerk."""
    people = {
        "supervisor": await make_staff(office["id"], "supervisor"),
        "manager": await make_staff(office["id"], "manager"),
        "duty1": await make_staff(office["id"], "duty"),
        "duty2": await make_staff(office["id"], "duty"),
        "frontdesk": await make_staff(office["id"], "frontdesk"),
    }
    token = await login(client, people["supervisor"])
    return {"office": office, "token": token, **people}


def _future_month() -> date:
    """A month that has not begun (so publishing it is on time)."""
    return next_month(next_month(datetime.now(TZ).date().replace(day=1)))


def _grid(month: date, cells: dict[tuple[int, int], str], token: str, action: str = "save") -> dict:
    form = {"_csrf_token": token, "action": action}
    for (staff_id, day), code in cells.items():
        form[f"c_{staff_id}_{day}"] = code
    return form


def _every_day(month: date, team: dict) -> dict[tuple[int, int], str]:
    """duty1 days, duty2 evenings, frontdesk nights, every day of the month."""
    cells = {}
    for d in month_days(month):
        cells[(team["duty1"]["id"], d.day)] = "day"
        cells[(team["duty2"]["id"], d.day)] = "evening"
        cells[(team["frontdesk"]["id"], d.day)] = "night"
    return cells


async def test_publishing_is_refused_naming_the_holiday_without_a_manager_on_duty(client, team):
    """D8: on holidays a mid-level manager or above is on duty; publishing names the date until it holds."""
    month = _future_month()
    holiday = month.replace(day=10)
    await Holiday.insert(Holiday(office=team["office"]["id"], day=holiday, name="测试节"))
    cells = _every_day(month, team)
    key = month_key(month)
    response = await client.post(f"/roster/{key}", data=_grid(month, cells, team["token"], "publish"))
    assert response.status_code == 422
    assert holiday.isoformat() in response.text and "测试节" in response.text
    assert "节假日须有管理人员值班" in response.text and "D8" not in response.text
    row = (
        await RosterMonth.select(RosterMonth.status)
        .where((RosterMonth.office == team["office"]["id"]) & (RosterMonth.month == month))
        .first()
    )
    assert row["status"] == "draft"  # the grid was saved as a draft, not published

    # A duty officer on the holiday is not enough; the manager on duty that day is.
    cells[(team["manager"]["id"], 10)] = "day"
    response = await client.post(f"/roster/{key}", data=_grid(month, cells, team["token"], "publish"))
    assert response.status_code == 303
    assert response.headers["location"].endswith("published=ok")
    page = await client.get(response.headers["location"])
    assert "已发布。员工可在首页看到自己的班次。" in page.text and "发布晚了" not in page.text
    assert 'class="cell shift-day"' in page.text


async def test_the_engineering_lead_counts_as_mid_level_on_a_holiday(client, team, make_staff):
    lead = await make_staff(team["office"]["id"], "engineering_lead")
    month = _future_month()
    await Holiday.insert(Holiday(office=team["office"]["id"], day=month.replace(day=3), name="元旦"))
    cells = {**_every_day(month, team), (lead["id"], 3): "day"}
    response = await client.post(f"/roster/{month_key(month)}", data=_grid(month, cells, team["token"], "publish"))
    assert response.status_code == 303


async def test_a_roster_published_after_its_month_began_is_marked_late(client, team):
    """D1: due before the month; publishing this month's roster now is late, and says so clearly."""
    month = datetime.now(TZ).date().replace(day=1)
    cells = _every_day(month, team)
    response = await client.post(f"/roster/{month_key(month)}", data=_grid(month, cells, team["token"], "publish"))
    assert response.status_code == 303 and response.headers["location"].endswith("published=late")
    page = await client.get(response.headers["location"])
    assert "发布晚了" in page.text


async def test_a_published_roster_is_frozen(client, team):
    month = _future_month()
    key = month_key(month)
    await client.post(f"/roster/{key}", data=_grid(month, _every_day(month, team), team["token"], "publish"))
    before = await RosterAssignment.count().where(RosterAssignment.month == month)
    again = await client.post(f"/roster/{key}", data=_grid(month, {(team["duty1"]["id"], 1): "night"}, team["token"]))
    assert again.status_code == 422 and "请假" in again.text
    assert await RosterAssignment.count().where(RosterAssignment.month == month) == before


async def test_bad_grid_values_are_refused(client, team, other_office, make_staff):
    month = _future_month()
    key = month_key(month)
    outsider = await make_staff(other_office["id"], "duty")
    for cells in ({(team["duty1"]["id"], 1): "lunch"}, {(outsider["id"], 1): "day"}):
        response = await client.post(f"/roster/{key}", data=_grid(month, cells, team["token"]))
        assert response.status_code == 422
    response = await client.post(
        f"/roster/{key}", data={"_csrf_token": team["token"], f"c_{team['duty1']['id']}_40": "day"}
    )
    assert response.status_code == 422
    assert await RosterAssignment.count().where(RosterAssignment.office == team["office"]["id"]) == 0
    assert (await client.get("/roster/2026-13/edit")).status_code == 404


async def test_the_supervisor_is_reminded_from_the_25th_until_next_month_is_published(team):
    """D1: the reminder shows from the 25th, and not before; it goes once next month's roster is published."""
    supervisor = CurrentStaff(
        id=team["supervisor"]["id"],
        username="s",
        display_name="主管",
        role="supervisor",
        office_id=team["office"]["id"],
        office_name="x",
        office_time_zone="Asia/Shanghai",
        department=None,
        language="zh-CN",
        session_id=0,
    )
    day = datetime(2031, 3, 26, 10, 0, tzinfo=TZ)
    texts = [i["text"] for s in await home.home_sections(supervisor, day) for i in s["items"]]
    assert any("2031-04" in t and "2031-03-31" in t for t in texts)
    early = [i["text"] for s in await home.home_sections(supervisor, day.replace(day=20)) for i in s["items"]]
    assert not any("2031-04" in t for t in early)
    await RosterMonth.insert(
        RosterMonth(
            office=team["office"]["id"], month=date(2031, 4, 1), status="published", published_at=datetime.now(UTC)
        )
    )
    later = [i["text"] for s in await home.home_sections(supervisor, day) for i in s["items"]]
    assert not any("2031-04" in t and "2031-03-31" in t for t in later)


async def _leave_setup(team, login, client, days_ahead: int = 3):
    day = datetime.now(TZ).date() + timedelta(days=days_ahead)
    await publish(team["office"]["id"], [(day, "day", team["duty1"]["id"]), (day, "evening", team["duty2"]["id"])])
    cell = (
        await RosterAssignment.select(RosterAssignment.id)
        .where((RosterAssignment.staff == team["duty1"]["id"]) & (RosterAssignment.day == day))
        .first()
    )
    return day, cell["id"]


async def test_leave_then_approval_then_a_substitute_shown_on_the_roster(client, team, login):
    """D4: ask with a reason → the supervisor approves → only then assigns a substitute; the roster
    shows who replaced whom and on whose approval."""
    day, cell = await _leave_setup(team, login, client)
    token = await login(client, team["duty1"])
    response = await client.post(
        "/roster/leave", data={"_csrf_token": token, "assignment_id": str(cell), "reason": "家中有事"}
    )
    assert response.status_code == 303
    leave = await LeaveRequest.select().where(LeaveRequest.assignment == cell).first()
    assert leave["status"] == "pending" and leave["substitute"] is None

    token = await login(client, team["supervisor"])
    early = await client.post(
        f"/roster/leave/{leave['id']}/substitute",
        data={"_csrf_token": token, "substitute_id": str(team["frontdesk"]["id"])},
    )
    assert early.status_code == 422 and "批准" in early.text
    decided = await client.post(
        f"/roster/leave/{leave['id']}/decide", data={"_csrf_token": token, "decision": "approve"}
    )
    assert decided.status_code == 303
    busy = await client.post(
        f"/roster/leave/{leave['id']}/substitute",
        data={"_csrf_token": token, "substitute_id": str(team["duty1"]["id"])},
    )
    assert busy.status_code == 422
    assigned = await client.post(
        f"/roster/leave/{leave['id']}/substitute",
        data={"_csrf_token": token, "substitute_id": str(team["frontdesk"]["id"])},
    )
    assert assigned.status_code == 303

    rows = await effective_assignments(team["office"]["id"], day, day)
    row = next(r for r in rows if r["assignment_id"] == cell)
    assert row["kind"] == "substitute" and row["staff_id"] == team["frontdesk"]["id"]
    assert row["rostered_id"] == team["duty1"]["id"]
    page = await client.get(f"/roster?month={month_key(day.replace(day=1))}")
    assert "测试supervisor" in page.text  # the approver, in the changes list
    assert page.text.count("测试frontdesk") >= 2  # in the grid and as the replacement
    home_page = await client.get("/")
    assert home_page.status_code == 200


async def test_a_refused_leave_keeps_the_shift_and_gets_no_substitute(client, team, login):
    _day, cell = await _leave_setup(team, login, client)
    token = await login(client, team["duty1"])
    await client.post("/roster/leave", data={"_csrf_token": token, "assignment_id": str(cell), "reason": "想休息"})
    leave = await LeaveRequest.select().where(LeaveRequest.assignment == cell).first()
    token = await login(client, team["supervisor"])
    await client.post(
        f"/roster/leave/{leave['id']}/decide", data={"_csrf_token": token, "decision": "refuse", "note": "人手不足"}
    )
    response = await client.post(
        f"/roster/leave/{leave['id']}/substitute",
        data={"_csrf_token": token, "substitute_id": str(team["frontdesk"]["id"])},
    )
    assert response.status_code == 422
    row = await LeaveRequest.select().where(LeaveRequest.id == leave["id"]).first()
    assert row["status"] == "refused" and row["substitute"] is None


async def test_no_route_lets_two_staff_swap_shifts_themselves(client, team, login):
    """D4: private swaps are not allowed — through any route, form or sync mutation."""
    day, cell = await _leave_setup(team, login, client)
    other = (
        await RosterAssignment.select(RosterAssignment.id)
        .where((RosterAssignment.staff == team["duty2"]["id"]) & (RosterAssignment.day == day))
        .first()
    )
    token = await login(client, team["duty1"])
    month = month_key(day.replace(day=1))
    attempts = [
        # Leave that names its own replacement.
        client.post(
            "/roster/leave",
            data={
                "_csrf_token": token,
                "assignment_id": str(cell),
                "reason": "换班",
                "substitute_id": str(team["duty2"]["id"]),
            },
        ),
        # Leave for a colleague's shift.
        client.post("/roster/leave", data={"_csrf_token": token, "assignment_id": str(other["id"]), "reason": "替他"}),
        # Editing the grid, publishing, deciding or substituting: the supervisor's.
        client.post(f"/roster/{month}", data={"_csrf_token": token, f"c_{team['duty1']['id']}_{day.day}": "evening"}),
        client.post(f"/roster/{month}/publish", data={"_csrf_token": token}),
        client.post("/roster/leave/1/decide", data={"_csrf_token": token, "decision": "approve"}),
        client.post(
            "/roster/leave/1/substitute", data={"_csrf_token": token, "substitute_id": str(team["duty2"]["id"])}
        ),
    ]
    statuses = [(await attempt).status_code for attempt in attempts]
    assert statuses == [422, 422, 403, 403, 403, 403]
    # There is no swap mutation either.
    response = await sync(client, token, [mutation("roster.swap", {"a": cell, "b": other["id"]})])
    assert response.json()["results"][0]["error"]["code"] == "unknown_type"
    cells = await RosterAssignment.select(RosterAssignment.staff, RosterAssignment.shift_code).where(
        (RosterAssignment.day == day) & (RosterAssignment.office == team["office"]["id"])
    )
    assert sorted((c["staff"], c["shift_code"]) for c in cells) == sorted(
        [(team["duty1"]["id"], "day"), (team["duty2"]["id"], "evening")]
    )
    assert await LeaveRequest.count().where(LeaveRequest.office == team["office"]["id"]) == 0


async def test_on_a_holiday_the_substitute_for_the_only_manager_must_be_a_manager(client, team, login, make_staff):
    """D8 holds after publication too: replacing the holiday's manager with a duty officer is refused."""
    day = datetime.now(TZ).date() + timedelta(days=4)
    await Holiday.insert(Holiday(office=team["office"]["id"], day=day, name="劳动节"))
    await publish(team["office"]["id"], [(day, "day", team["manager"]["id"]), (day, "evening", team["duty1"]["id"])])
    cell = (
        await RosterAssignment.select(RosterAssignment.id)
        .where(RosterAssignment.staff == team["manager"]["id"])
        .first()
    )
    token = await login(client, team["manager"])
    await client.post("/roster/leave", data={"_csrf_token": token, "assignment_id": str(cell["id"]), "reason": "出差"})
    leave = await LeaveRequest.select().where(LeaveRequest.assignment == cell["id"]).first()
    token = await login(client, team["supervisor"])
    await client.post(f"/roster/leave/{leave['id']}/decide", data={"_csrf_token": token, "decision": "approve"})
    # Approved, not yet covered: the month's roster and the supervisor's home say the day has no manager.
    month_page = f"/roster?month={month_key(day.replace(day=1))}"
    warning = (await client.get(month_page)).text
    assert "data-d8-uncovered" in warning and day.isoformat() in warning
    if day.month == datetime.now(TZ).date().month:
        assert f"{day.isoformat()}（劳动节）" in (await client.get("/")).text
    refused = await client.post(
        f"/roster/leave/{leave['id']}/substitute",
        data={"_csrf_token": token, "substitute_id": str(team["duty2"]["id"])},
    )
    assert refused.status_code == 422 and "劳动节" in refused.text
    ok = await client.post(
        f"/roster/leave/{leave['id']}/substitute",
        data={"_csrf_token": token, "substitute_id": str(team["supervisor"]["id"])},
    )
    assert ok.status_code == 303
    assert "data-d8-uncovered" not in (await client.get(month_page)).text


async def test_leave_for_a_shift_of_an_unpublished_roster_or_without_reason_is_refused(client, team, login):
    month = _future_month()
    await client.post(f"/roster/{month_key(month)}", data=_grid(month, _every_day(month, team), team["token"]))
    cell = (
        await RosterAssignment.select(RosterAssignment.id).where(RosterAssignment.staff == team["duty1"]["id"]).first()
    )
    token = await login(client, team["duty1"])
    draft = await client.post(
        "/roster/leave", data={"_csrf_token": token, "assignment_id": str(cell["id"]), "reason": "x"}
    )
    assert draft.status_code == 422 and 'id="e-assignment_id"' in draft.text
    _day, published = await _leave_setup(team, login, client)
    token = await login(client, team["duty1"])
    empty = await client.post(
        "/roster/leave", data={"_csrf_token": token, "assignment_id": str(published), "reason": ""}
    )
    assert empty.status_code == 422 and 'id="e-reason"' in empty.text


async def test_shift_templates_and_inventory_are_edited_per_office(client, team):
    """D2: the supervisor edits the office's shifts (presets from the seeds), H4: the inventory list."""
    preset = await client.get("/roster/settings?preset=two")
    assert preset.status_code == 200 and "20:00" in preset.text
    form = {
        "_csrf_token": team["token"],
        "code_0": "day",
        "name_0": "白班",
        "start_0": "09:00",
        "end_0": "21:00",
        "code_1": "night",
        "name_1": "夜班",
        "start_1": "20:00",
        "end_1": "09:00",
        "inventory": "电话\n对讲机\n钥匙\n",
    }
    response = await client.post("/roster/settings", data=form)
    assert response.status_code == 303
    from app.org.service import office_shift_templates
    from app.roster.service import office_inventory

    assert [s["end"] for s in await office_shift_templates(team["office"]["id"])] == ["21:00", "09:00"]
    assert await office_inventory(team["office"]["id"]) == ["电话", "对讲机", "钥匙"]

    bad = {**form, "start_1": "25:00"}
    response = await client.post("/roster/settings", data=bad)
    assert response.status_code == 422 and 'id="e-start_1"' in response.text
    same = {**form, "end_1": "20:00"}
    response = await client.post("/roster/settings", data=same)
    assert response.status_code == 422 and 'id="e-end_1"' in response.text
    twice = {**form, "code_1": "day"}
    response = await client.post("/roster/settings", data=twice)
    assert response.status_code == 422 and 'id="e-code_1"' in response.text


async def test_a_shift_in_use_by_a_roster_cannot_be_removed(client, team):
    month = _future_month()
    await client.post(f"/roster/{month_key(month)}", data=_grid(month, _every_day(month, team), team["token"]))
    form = {"_csrf_token": team["token"], "code_0": "day", "name_0": "白班", "start_0": "08:30", "end_0": "20:30"}
    form["inventory"] = "电话"
    response = await client.post("/roster/settings", data=form)
    assert response.status_code == 422 and "evening" in response.text


async def test_holidays_are_added_and_removed_by_the_supervisor(client, team, login):
    response = await client.post(
        "/roster/holidays", data={"_csrf_token": team["token"], "day": "2031-10-01", "name": "国庆节"}
    )
    assert response.status_code == 303
    twice = await client.post(
        "/roster/holidays", data={"_csrf_token": team["token"], "day": "2031-10-01", "name": "国庆"}
    )
    assert twice.status_code == 422 and 'id="e-day"' in twice.text
    page = await client.get("/roster/holidays?year=2031")
    assert "国庆节" in page.text
    row = (
        await Holiday.select(Holiday.id)
        .where((Holiday.office == team["office"]["id"]) & (Holiday.name == "国庆节"))
        .first()
    )
    token = await login(client, team["duty1"])
    assert (await client.post(f"/roster/holidays/{row['id']}/delete", data={"_csrf_token": token})).status_code == 403
    token = await login(client, team["supervisor"])
    assert (await client.post(f"/roster/holidays/{row['id']}/delete", data={"_csrf_token": token})).status_code == 303
    assert await Holiday.count().where(Holiday.office == team["office"]["id"]) == 0


async def test_staff_see_their_own_shifts_on_the_home_page_and_drafts_stay_hidden(client, team, login):
    today = datetime.now(TZ).date()
    await publish(team["office"]["id"], [(today + timedelta(days=1), "night", team["duty2"]["id"])])
    token = await login(client, team["duty2"])
    assert token
    home_page = await client.get("/")
    assert "我的班次" in home_page.text and (today + timedelta(days=1)).strftime("%m-%d") in home_page.text
    month = _future_month()
    await login(client, team["supervisor"])
    await client.post(f"/roster/{month_key(month)}", data=_grid(month, _every_day(month, team), team["token"]))
    await login(client, team["duty2"])
    draft = await client.get(f"/roster?month={month_key(month)}")
    assert draft.status_code == 200 and 'class="roster-grid"' not in draft.text


async def test_another_offices_roster_and_leave_are_out_of_reach(client, team, other_office, make_staff, login):
    _day, cell = await _leave_setup(team, login, client)
    token = await login(client, team["duty1"])
    await client.post("/roster/leave", data={"_csrf_token": token, "assignment_id": str(cell), "reason": "病假"})
    leave = await LeaveRequest.select(LeaveRequest.id).where(LeaveRequest.assignment == cell).first()
    stranger = await make_staff(other_office["id"], "supervisor")
    token = await login(client, stranger)
    assert (await client.get(f"/roster?office={team['office']['id']}")).status_code == 403
    response = await client.post(
        f"/roster/leave/{leave['id']}/decide", data={"_csrf_token": token, "decision": "approve"}
    )
    assert response.status_code == 404
    assert (await LeaveRequest.select(LeaveRequest.status).where(LeaveRequest.id == leave["id"]).first())[
        "status"
    ] == "pending"


async def test_a_technicians_shift_is_covered_by_a_technician_and_never_makes_them_the_desk(
    client, team, login, make_staff
):
    """D4 within its group: technicians are rostered (on call for repairs, W6), a technician's leave is
    covered by a technician, not by desk staff; and a technician on the roster never becomes the
    desk's incoming (the handover asks the desk's people only)."""
    office_id = team["office"]["id"]
    tech1 = await make_staff(office_id, "technician")
    tech2 = await make_staff(office_id, "technician")
    day = datetime.now(TZ).date() + timedelta(days=3)
    await publish(office_id, [(day, "day", tech1["id"]), (day, "day", team["duty1"]["id"])])
    cell = (
        await RosterAssignment.select(RosterAssignment.id)
        .where((RosterAssignment.staff == tech1["id"]) & (RosterAssignment.day == day))
        .first()
    )["id"]
    token = await login(client, tech1)
    asked = await client.post(
        "/roster/leave", data={"_csrf_token": token, "assignment_id": str(cell), "reason": "病假"}
    )
    assert asked.status_code == 303
    leave = await LeaveRequest.select().where(LeaveRequest.assignment == cell).first()

    token = await login(client, team["supervisor"])
    await client.post(f"/roster/leave/{leave['id']}/decide", data={"_csrf_token": token, "decision": "approve"})
    page = await client.get("/roster/leave")
    assert f'value="{tech2["id"]}"' in page.text and f'value="{team["frontdesk"]["id"]}"' not in page.text
    desk_cover = await client.post(
        f"/roster/leave/{leave['id']}/substitute",
        data={"_csrf_token": token, "substitute_id": str(team["frontdesk"]["id"])},
    )
    assert desk_cover.status_code == 422 and "维修人员的班由维修人员顶班" in desk_cover.text
    covered = await client.post(
        f"/roster/leave/{leave['id']}/substitute", data={"_csrf_token": token, "substitute_id": str(tech2["id"])}
    )
    assert covered.status_code == 303

    technicians = await rostered_for(office_id, day, "day", frozenset({"technician"}))
    assert [r["id"] for r in technicians] == [tech2["id"]]
    assert [r["id"] for r in await rostered_for(office_id, day, "day")] == [team["duty1"]["id"]]

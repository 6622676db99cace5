"""SPEC G1, G2: the supervisor's weekly report drafted from the app's own figures (a major incident of
the week is in it), edited, submitted — on time at Monday 23:59:59, late from Tuesday 00:00 (office
time); the incident's next-day report drafted from the duty-log entry and the calls that followed;
offices kept apart; bad input answered beside the field, never a 500."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import msgspec
import pytest

from app.alerts.tables import Alert
from app.clock import now as clock_now
from app.settings import get_settings
from app.supervision import deadlines
from app.supervision.reminders import remind_office
from app.supervision.tables import SupervisionReport
from tests.support.sync import mutation, sync, sync_one


@pytest.fixture(autouse=True)
def history_is_accepted(monkeypatch):
    """Reports of past weeks are submitted with the time they were written: widen the client-time window."""
    wide = msgspec.structs.replace(get_settings(), recorded_at_past_days=3650)
    monkeypatch.setattr("app.sync.service.get_settings", lambda: wide)


@pytest.fixture
async def boss(client, office, make_staff, login):
    supervisor = await make_staff(office["id"], "supervisor")
    return {"token": await login(client, supervisor), "staff": supervisor, "office": office}


def last_monday(tz) -> str:
    return (deadlines.monday_of(clock_now().astimezone(tz).date()) - timedelta(days=7)).isoformat()


async def test_g1_the_weekly_report_is_drafted_from_the_figures(client, boss, make_staff, login, new_client):
    tz = deadlines_tz()
    monday = deadlines.monday_of(clock_now().astimezone(tz).date())
    async with new_client() as desk:
        token = await login(desk, await make_staff(boss["office"]["id"], "duty"))
        during = datetime.combine(monday - timedelta(days=3), datetime.min.time(), tzinfo=tz).replace(hour=10)
        m = mutation(
            "duty_log.append",
            {"category": "emergency", "text": "3栋地下车库水浸", "escalation": "major"},
            recorded_at=during,
        )
        assert (await sync(desk, token, [m])).json()["results"][0]["status"] == "applied"
    page = await client.get(f"/supervision/reports/weekly/{monday.isoformat()}")
    assert page.status_code == 200, page.text
    assert "3栋地下车库水浸" in page.text  # the week's major incident, from the duty log
    assert "回访率" in page.text and "投诉" in page.text and "巡查" in page.text
    assert (
        await SupervisionReport.count().where(SupervisionReport.office == boss["office"]["id"]) == 0
    )  # a GET writes nothing


def deadlines_tz():
    from app.clock import zone

    return zone("Asia/Shanghai")


async def _submit(client, token, period: str, at: datetime, body: str = "本周工作正常。") -> dict:
    data = {"kind": "weekly", "period": period, "title": "周报", "body": body}
    return (await sync(client, token, [mutation("supervision.report_submit", data, recorded_at=at)])).json()["results"][
        0
    ]


async def test_g1_submitted_on_monday_at_23_59_59_is_on_time_and_at_midnight_late(
    client, boss, other_office, make_staff, login, new_client
):
    tz = deadlines_tz()
    period = last_monday(tz)
    due = deadlines.window("weekly", period, tz).due_at
    assert (await _submit(client, boss["token"], period, due - timedelta(seconds=1)))["status"] == "applied"
    row = (
        await SupervisionReport.select()
        .where((SupervisionReport.office == boss["office"]["id"]) & (SupervisionReport.period == period))
        .first()
    )
    assert row["state"] == "submitted" and row["late"] is False and "本周工作正常" in row["body"]
    assert "回访率" in row["figures"] or "k1" in row["figures"]
    async with new_client() as other:
        token = await login(other, await make_staff(other_office["id"], "supervisor"))
        assert (await _submit(other, token, period, due))["status"] == "applied"
        late = await SupervisionReport.select().where(SupervisionReport.office == other_office["id"]).first()
        assert late["late"] is True
        # Offices apart: the other office's supervisor does not see the first office's report.
        listing = await other.get("/supervision")
        assert "本周工作正常" not in listing.text
    again = await _submit(client, boss["token"], period, due - timedelta(seconds=1), body="改")
    assert again["status"] == "rejected" and again["error"]["message"] == "这份报告已经提交。"


async def test_g1_a_draft_is_saved_edited_then_submitted_through_the_form(client, boss):
    period = last_monday(deadlines_tz())
    url = f"/supervision/reports/weekly/{period}"
    saved = await client.post(
        f"{url}/save",
        data={"title": "第49周周报", "body": "草稿一", "_csrf_token": boss["token"]},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    page = await client.get(url)
    assert "草稿一" in page.text and "第49周周报" in page.text
    sent = await client.post(
        f"{url}/submit",
        data={"title": "第49周周报", "body": "定稿", "_csrf_token": boss["token"]},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page = await client.get(url)
    assert "定稿" in page.text and "已提交" in page.text and "逾期" in page.text  # last week's: late now


async def test_bad_input_is_answered_beside_the_field_never_a_500(client, boss, make_staff, login, new_client):
    period = last_monday(deadlines_tz())
    url = f"/supervision/reports/weekly/{period}"
    empty = await client.post(f"{url}/submit", data={"title": "周报", "body": "", "_csrf_token": boss["token"]})
    assert empty.status_code == 422 and 'id="e-body"' in empty.text
    long = await client.post(f"{url}/save", data={"title": "x" * 201, "body": "a", "_csrf_token": boss["token"]})
    assert long.status_code == 422 and 'id="e-title"' in long.text
    assert (await client.get("/supervision/reports/weekly/2026-12-08")).status_code == 422  # not a Monday
    assert (await client.get("/supervision/reports/weekly/bogus")).status_code in (400, 404, 422)
    assert (await client.get("/supervision/reports/month_report/2026-13")).status_code in (404, 422)
    bad = await sync_one(
        client,
        boss["token"],
        "supervision.report_save",
        {"kind": "weekly", "period": "2026-12-08", "title": "t", "body": "b"},
    )
    assert bad["status"] == "rejected" and bad["error"]["field"] == "period"
    async with new_client() as desk:
        token = await login(desk, await make_staff(boss["office"]["id"], "duty"))
        assert (await desk.get("/supervision")).status_code == 403
        refused = await sync_one(
            desk, token, "supervision.report_submit", {"kind": "weekly", "period": period, "title": "t", "body": "b"}
        )
        assert refused["status"] == "rejected"


async def test_g2_a_major_incident_gets_its_next_day_report_drafted_from_the_log(
    client, boss, make_staff, login, new_client
):
    office = boss["office"]
    head = await make_staff(office["id"], "dept_head", department="engineering")
    async with new_client() as desk:
        token = await login(desk, await make_staff(office["id"], "duty"))
        entry = mutation("duty_log.append", {"category": "emergency", "text": "5栋电梯困人", "escalation": "major"})
        await sync(desk, token, [entry])
        call = await sync_one(
            desk, token, "supervision.call", {"callee_id": head["id"], "entry_id": entry["id"], "note": "电梯困人"}
        )
        assert call["status"] == "applied"
    listing = await client.get("/supervision")
    assert "事故报告" in listing.text
    day = clock_now().astimezone(deadlines_tz()).date().isoformat()
    page = await client.get(f"/supervision/reports/incident/{day}:{entry['id']}")
    assert page.status_code == 200 and "5栋电梯困人" in page.text and head["username"] not in page.text
    assert "呼叫" in page.text  # the call that followed
    calls = await client.get(f"/supervision/calls?entry={entry['id']}")
    assert calls.status_code == 200 and f'name="entry_id" value="{entry["id"]}"' in calls.text
    missing = await client.get(f"/supervision/reports/incident/{day}:{uuid.uuid4()}")
    assert missing.status_code == 422


async def test_g1_the_supervisor_is_reminded_when_a_report_is_due(boss):
    tz = deadlines_tz()
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=tz)
    assert await remind_office(boss["office"]["id"], tz, monday) >= 1
    assert await remind_office(boss["office"]["id"], tz, monday) >= 1  # idempotent: the same alert
    alerts = await Alert.select(Alert.source).where(
        (Alert.office == boss["office"]["id"]) & (Alert.kind == "report_due")
    )
    sources = sorted(a["source"] for a in alerts)
    assert "report:weekly:2026-12-07:due" in sources and len(sources) == len(set(sources))
    # Sunday: the weekly report is not asked for yet (November's report is late, though).
    sunday = await remind_office(boss["office"]["id"], tz, datetime(2026, 12, 6, 23, 59, tzinfo=tz))
    assert not any(s.startswith("report:weekly:2026-12-06") for s in sources) and sunday >= 0


async def test_g2_an_incident_report_submitted_after_the_next_day_is_marked_late(
    client, boss, make_staff, login, new_client
):
    tz = deadlines_tz()
    async with new_client() as desk:
        token = await login(desk, await make_staff(boss["office"]["id"], "duty"))
        entry = mutation(
            "duty_log.append",
            {"category": "emergency", "text": "配电房冒烟", "escalation": "major"},
            recorded_at=clock_now() - timedelta(days=3),
        )
        await sync(desk, token, [entry])
    day = (clock_now() - timedelta(days=3)).astimezone(tz).date().isoformat()
    period = f"{day}:{entry['id']}"
    due = deadlines.window("incident", period, tz).due_at
    data = {"kind": "incident", "period": period, "title": "配电房冒烟事故报告", "body": "经过……"}
    result = (await sync(client, boss["token"], [mutation("supervision.report_submit", data, recorded_at=due)])).json()
    assert result["results"][0]["status"] == "applied"
    row = await SupervisionReport.select().where(SupervisionReport.period == period).first()
    assert row["late"] is True and row["kind"] == "incident"


@pytest.mark.parametrize(
    "url",
    [
        "/supervision/reports/month_report/2026-13",
        "/supervision/reports/month_plan/2026-13",
        "/supervision/reports/month_report/2026-00",
        "/supervision/reports/month_report/1999-12",
        "/supervision/reports/month_report/2026-1x",
        "/supervision/reports/month_report/2026-012",
        "/supervision/reports/weekly/2026-02-30",
        "/supervision/reports/weekly/bogus",
        "/supervision/reports/incident/2026-12-01:not-a-uuid",
        "/supervision/reports/yearly/2026-12",
    ],
)
async def test_g2_a_report_for_a_month_that_does_not_exist_is_a_clear_chinese_page_never_a_500(client, boss, url):
    """G2: month 13 (or 00, or a day that is not) is answered with a 4xx page saying why, in Chinese."""
    answer = await client.get(url)
    assert answer.status_code in (404, 422), (answer.status_code, answer.text[:300])
    assert answer.headers["content-type"].startswith("text/html")
    said = ("不是有效的日期或月份", "这份报告的期间不正确", "没有这种报告")
    assert any(m in answer.text for m in said), answer.text[-900:]
    posted = await client.post(url + "/save", data={"title": "t", "body": "b", "_csrf_token": boss["token"]})
    assert 400 <= posted.status_code < 500, posted.text[:300]

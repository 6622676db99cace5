"""SPEC G3 (and P5, D3, D7, P4, W5, W8): storm mode switched on by the supervisor or the manager — each
staff member of the office alerted to stand by, the duty manager's arrival on site against the
30-minute limit (30:00 is in time, 30:01 is not), a checklist, the heavy-rain patrols made due,
switched off with a summary; emergency calls; the daily review; night records; explained to the resident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.alerts.tables import Alert, AlertRecipient
from app.supervision import _daily, _storm
from app.supervision.tables import DailyReview, EmergencyCall, NightRecordCollection, StormEvent
from tests.support.sync import mutation, sync, sync_one


async def test_g3_storm_mode_alerts_every_staff_member_and_times_the_duty_managers_arrival(
    client, office, other_office, make_staff, login, new_client
):
    manager = await make_staff(office["id"], "manager")
    staff = [await make_staff(office["id"], role) for role in ("duty", "technician", "patrol")]
    stranger = await make_staff(other_office["id"], "duty")
    token = await login(client, manager)
    on = mutation("supervision.storm_on", {"kind": "typhoon", "duty_manager_id": manager["id"], "note": "今晚登陆"})
    assert (await sync(client, token, [on])).json()["results"][0]["status"] == "applied"
    alerts = await Alert.select(Alert.id, Alert.title).where(
        (Alert.office == office["id"]) & (Alert.kind == "storm_standby")
    )
    notified = {
        r["staff"]
        for r in await AlertRecipient.select(AlertRecipient.staff).where(
            AlertRecipient.alert.is_in([a["id"] for a in alerts])
        )
    }
    assert {s["id"] for s in staff} | {manager["id"]} <= notified and stranger["id"] not in notified
    assert "台风" in alerts[0]["title"]
    # A second storm while one is on is refused.
    again = await sync_one(client, token, "supervision.storm_on", {"kind": "flood", "duty_manager_id": manager["id"]})
    assert again["status"] == "rejected"
    # The staff phone sees the stand-by alert on its home page.
    async with new_client() as phone:
        await login(phone, staff[1])
        home = await phone.get("/")
        assert "全体人员留守待命" in home.text and "防汛防台" in home.text
    row = await StormEvent.select().where(StormEvent.id == on["id"]).first()
    started = row["started_at"] if row["started_at"].tzinfo else row["started_at"].replace(tzinfo=UTC)
    # G3 edge: exactly 30 minutes is in time, a second more is late.
    assert not _storm.arrival_late(started, started + timedelta(minutes=30))
    assert _storm.arrival_late(started, started + timedelta(minutes=30, seconds=1))
    arrived = mutation(
        "supervision.storm_arrived", {"storm_id": on["id"]}, recorded_at=started + timedelta(minutes=30, seconds=1)
    )
    result = (await sync(client, token, [arrived])).json()["results"][0]
    if result["status"] == "applied":  # the phone's time is kept unless it is in the future
        row = await StormEvent.select().where(StormEvent.id == on["id"]).first()
        assert row["arrival_late"] is (datetime.now(UTC) >= started + timedelta(minutes=30, seconds=1))
    check = await sync_one(client, token, "supervision.storm_check", {"storm_id": on["id"], "item": "drains"})
    assert check["status"] == "applied"
    bad = await sync_one(client, token, "supervision.storm_check", {"storm_id": on["id"], "item": "nope"})
    assert bad["status"] == "rejected" and bad["error"]["field"] == "item"
    page = await client.get("/supervision/storm")
    assert "☑" in page.text and "排水沟" in page.text
    empty = await client.post(
        "/supervision/storm/off", data={"storm_id": str(on["id"]), "summary": "", "_csrf_token": token}
    )
    assert empty.status_code == 422 and 'id="e-summary"' in empty.text
    off = await sync_one(
        client, token, "supervision.storm_off", {"storm_id": on["id"], "summary": "无人员伤亡，3号车库进水已抽干"}
    )
    assert off["status"] == "applied"
    row = await StormEvent.select().where(StormEvent.id == on["id"]).first()
    assert row["ended_at"] is not None and "抽干" in row["summary"]


async def test_g3_arrival_recorded_at_29_minutes_is_in_time(client, office, make_staff, login):
    supervisor = await make_staff(office["id"], "supervisor")
    duty_manager = await make_staff(office["id"], "manager")
    token = await login(client, supervisor)
    started = datetime.now(UTC) - timedelta(minutes=29)
    on = mutation(
        "supervision.storm_on", {"kind": "rainstorm", "duty_manager_id": duty_manager["id"]}, recorded_at=started
    )
    assert (await sync(client, token, [on])).json()["results"][0]["status"] == "applied"
    assert (await sync_one(client, token, "supervision.storm_arrived", {"storm_id": on["id"]}))["status"] == "applied"
    row = await StormEvent.select().where(StormEvent.id == on["id"]).first()
    assert row["arrival_late"] is False
    # Only the supervisor or the manager switches it; a duty officer is refused with a message.
    duty = await make_staff(office["id"], "duty")
    token = await login(client, duty)
    refused = await sync_one(client, token, "supervision.storm_off", {"storm_id": on["id"], "summary": "x"})
    assert refused["status"] == "rejected" and "客服主管或管理处经理" in refused["error"]["message"]


async def test_g3_an_arrival_31_minutes_after_is_late(client, office, make_staff, login):
    supervisor = await make_staff(office["id"], "supervisor")
    token = await login(client, supervisor)
    started = datetime.now(UTC) - timedelta(minutes=31)
    on = mutation("supervision.storm_on", {"kind": "flood", "duty_manager_id": supervisor["id"]}, recorded_at=started)
    await sync(client, token, [on])
    assert (await sync_one(client, token, "supervision.storm_arrived", {"storm_id": on["id"]}))["status"] == "applied"
    assert (await StormEvent.select().where(StormEvent.id == on["id"]).first())["arrival_late"] is True
    page = await client.get("/supervision/storm")
    assert "超过 30 分钟" in page.text


async def test_d3_d7_a_department_head_is_called_alerted_answers_and_comes_on_site(
    client, office, make_staff, login, new_client
):
    head = await make_staff(office["id"], "dept_head", department="cleaning")
    token = await login(client, await make_staff(office["id"], "duty"))
    call = mutation("supervision.call", {"callee_id": head["id"], "note": "2栋水管爆裂"})
    assert (await sync(client, token, [call])).json()["results"][0]["status"] == "applied"
    assert "未应答的应急呼叫" in (await client.get("/")).text  # on the duty officer's home page until answered
    alert = await Alert.select().where((Alert.office == office["id"]) & (Alert.kind == "emergency_call")).first()
    assert alert is not None and "2栋水管爆裂" in alert["title"]
    async with new_client() as phone:
        head_token = await login(phone, head)
        assert (
            await sync_one(phone, head_token, "supervision.call_step", {"call_id": call["id"], "step": "answered"})
        )["status"] == "applied"
    assert (await sync_one(client, token, "supervision.call_step", {"call_id": call["id"], "step": "on_site"}))[
        "status"
    ] == "applied"
    again = await sync_one(client, token, "supervision.call_step", {"call_id": call["id"], "step": "on_site"})
    assert again["status"] == "rejected"
    assert "未应答的应急呼叫" not in (await client.get("/")).text
    row = await EmergencyCall.select().where(EmergencyCall.id == call["id"]).first()
    assert row["answered_at"] is not None and row["on_site_at"] is not None
    page = await client.get("/supervision/calls")
    assert "到场" in page.text and "应答" in page.text
    bad = await client.post("/supervision/calls", data={"callee_id": "abc", "_csrf_token": token})
    assert bad.status_code == 422 and 'id="e-callee_id"' in bad.text


async def test_p4_the_daily_review_covers_complaints_and_repairs_and_is_recorded(client, office, make_staff, login):
    token = await login(client, await make_staff(office["id"], "supervisor"))
    page = await client.get("/supervision/review")
    assert page.status_code == 200 and 'id="review-complaints"' in page.text and 'id="review-repairs"' in page.text
    assert "当天收到 0 宗" in page.text and "当天派单 0 张" in page.text
    home = await client.get("/")
    assert "今天的巡查、投诉和维修记录还没有检查" in home.text
    today = datetime.now(UTC).astimezone(__import__("app.clock", fromlist=["zone"]).zone("Asia/Shanghai")).date()
    done = await client.post(
        "/supervision/review",
        data={"day": today.isoformat(), "note": "3单超时", "_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert await DailyReview.count().where(DailyReview.office == office["id"]) == 1
    assert "今天已检查" in (await client.get("/")).text
    twice = await sync_one(client, token, "supervision.review_done", {"day": today.isoformat()})
    assert twice["status"] == "rejected"
    future = await sync_one(client, token, "supervision.review_done", {"day": (today + timedelta(days=2)).isoformat()})
    assert future["status"] == "rejected" and future["error"]["field"] == "day"


async def test_w8_the_night_records_are_collected_at_least_twice_a_day(client, office, make_staff, login):
    assert not _daily.night_records_met(1) and _daily.night_records_met(2)
    token = await login(client, await make_staff(office["id"], "frontdesk"))
    assert (await sync_one(client, token, "supervision.night_records", {"entries": 6}))["status"] == "applied"
    assert "1 / 2" in (await client.get("/")).text
    assert (await sync_one(client, token, "supervision.night_records", {"entries": 2}))["status"] == "applied"
    assert "2 / 2" in (await client.get("/supervision/night-records")).text
    assert await NightRecordCollection.count().where(NightRecordCollection.office == office["id"]) == 2
    bad = await client.post("/supervision/night-records", data={"entries": "-1", "_csrf_token": token})
    assert bad.status_code == 422 and 'id="e-entries"' in bad.text


async def test_w5_explaining_to_the_resident_needs_an_order_of_the_office(client, office, make_staff, login):
    import uuid

    token = await login(client, await make_staff(office["id"], "frontdesk"))
    refused = await sync_one(
        client,
        token,
        "supervision.repair_explained",
        {"order_id": str(uuid.uuid4()), "how": "phone", "note": "需更换整条管道"},
    )
    assert refused["status"] == "rejected" and refused["error"]["field"] == "order_id"
    page = await client.get("/supervision/explained")
    assert page.status_code == 200


async def test_g3_p5_storm_mode_makes_the_heavy_rain_patrols_due_before_and_after(client, office, make_staff, login):
    from app.patrols.tables import RoundTask

    supervisor = await make_staff(office["id"], "supervisor")
    token = await login(client, supervisor)
    created = await client.post(
        "/patrols/routes",
        data={"_csrf_token": token, "name": "托管房户外", "kind": "entrusted", "daily_rounds": "0"},
        follow_redirects=False,
    )
    route_id = int(created.headers["location"].rsplit("/", 1)[1])
    on = mutation("supervision.storm_on", {"kind": "rainstorm", "duty_manager_id": supervisor["id"]})
    assert (await sync(client, token, [on])).json()["results"][0]["status"] == "applied"
    reasons = [r["reason"] for r in await RoundTask.select(RoundTask.reason).where(RoundTask.route == route_id)]
    assert "rain_before" in reasons and "rain_after" not in reasons
    assert (await StormEvent.select().where(StormEvent.id == on["id"]).first())["rain_rounds"] == 1
    off = await sync_one(client, token, "supervision.storm_off", {"storm_id": on["id"], "summary": "雨停"})
    assert off["status"] == "applied"
    reasons = [r["reason"] for r in await RoundTask.select(RoundTask.reason).where(RoundTask.route == route_id)]
    assert "rain_after" in reasons

"""Intake (SPEC W1, C4) and night / control-room requests for the day shift (W8, D11)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.work.tables import ServiceRequest, WorkEvent
from tests.api.work.conftest import issue, repair, take_request, zh

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_w1_c4_request_is_owned_by_who_took_it_and_listed_on_their_home(people):
    desk = people["frontdesk"]
    request_id = await take_request(desk, people["office"], "阳台地漏反水", appointment_at="2031-05-02T14:30")
    row = await ServiceRequest.select().where(ServiceRequest.id == uuid.UUID(request_id)).first()
    assert row["owner"] == desk.id and row["state"] == "open"
    assert row["unit"] == people["office"]["units"][0]
    assert row["resident_phone"] == "13900000000" and row["channel"] == "phone"
    # The appointment is the office's local time.
    assert row["appointment_at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") == "2031-05-02 14:30"
    assert "阳台地漏反水" in (await desk.client.get("/")).text  # "Requests I own"
    assert "阳台地漏反水" not in (await people["duty"].client.get("/work/requests?view=mine")).text
    page = (await desk.client.get(f"/work/requests/{request_id}")).text
    assert zh("First responder") in page and "2031-05-02 14:30" in page
    assert await WorkEvent.count().where(WorkEvent.request == uuid.UUID(request_id)) == 1


async def test_history_says_which_phone_and_whether_it_was_synced_later(people):
    """A request saved offline ten minutes ago and sent now is marked as synced later, with its phone."""
    desk = people["frontdesk"]
    offline_id = await take_request(
        desk, people["office"], "离线受理的报修", recorded_at=datetime.now(UTC) - timedelta(minutes=10)
    )
    online_id = await take_request(desk, people["office"], "在线受理的报修")
    marker = zh("Recorded offline; synced at %(t)s", t="").split("，")[0]
    offline_page = (await desk.client.get(f"/work/requests/{offline_id}")).text
    online_page = (await desk.client.get(f"/work/requests/{online_id}")).text
    assert marker in offline_page and marker not in online_page
    assert zh("phone %(id)s", id="test-pho") in online_page


async def test_w1_refusals_name_the_field(people, other_office):
    desk = people["frontdesk"]
    cases = [
        ({"category": ""}, "category_required", "category"),
        ({"unit_id": other_office["units"][0]}, "unit_not_found", "unit_id"),
        ({"unit_id": None, "location": ""}, "where_required", "unit_id"),
        ({"photos": ["cd" * 32]}, "photo_missing", "photos"),
        ({"appointment_at": "2031-02-30T10:00"}, "bad_time", "appointment_at"),
    ]
    for change, code, field in cases:
        result = await desk.send("request.create", repair(people["office"], "应被拒绝", **change))
        assert result["status"] == "rejected", change
        assert (result["error"]["code"], result["error"].get("field")) == (code, field), result
    result = await people["tech"].send("request.create", repair(people["office"], "维修工不受理报事"))
    assert result["error"]["code"] == "forbidden"
    assert await ServiceRequest.count().where(ServiceRequest.description == "应被拒绝") == 0


async def test_a_public_place_needs_no_unit_and_other_kinds_need_no_category(people):
    desk = people["frontdesk"]
    result = await desk.send(
        "request.create",
        repair(people["office"], "2栋大堂灯不亮", unit_id=None, location="2栋大堂", category="public_facilities"),
    )
    assert result["status"] == "applied"
    result = await desk.send(
        "request.create", repair(people["office"], "咨询物业费缴纳方式", kind="consultation", category="")
    )
    assert result["status"] == "applied"


async def test_plain_form_intake_finds_the_unit_from_the_search_text_and_shows_errors_beside_fields(people):
    desk = people["frontdesk"]
    response = await desk.post(
        "/work/requests",
        {
            "id": str(uuid.uuid4()),
            "channel": "visit",
            "kind": "repair",
            "category": "electrical",
            "_unit_search": "1-102",
            "description": "无脚本表单：插座无电",
            "urgency": "normal",
        },
    )
    assert response.status_code == 303
    row = await ServiceRequest.select().where(ServiceRequest.description == "无脚本表单：插座无电").first()
    assert row["unit"] == people["office"]["units"][1] and row["device_id"] == "web-form"
    response = await desk.post(
        "/work/requests", {"channel": "visit", "kind": "repair", "category": "", "description": "", "urgency": "normal"}
    )
    assert response.status_code == 422
    assert 'id="e-description"' in response.text and zh("This field is required.") in response.text
    # The same form sent twice (double tap) records it once.
    form = {
        "id": str(uuid.uuid4()),
        "channel": "visit",
        "kind": "help",
        "description": "重复提交只记一次",
        "location": "前台",
        "urgency": "normal",
    }
    assert (await desk.post("/work/requests", form)).status_code == 303
    assert (await desk.post("/work/requests", form)).status_code == 303
    assert await ServiceRequest.count().where(ServiceRequest.description == "重复提交只记一次") == 1


async def test_w8_d11_night_and_control_room_requests_wait_for_the_day_shift_until_ordered(people):
    """A request logged at 02:00 (night shift) or by the control room is on the day shift's list next
    morning; once it is turned into a work order it leaves that list."""
    duty, desk, tech = people["duty"], people["frontdesk"], people["tech"]
    night = datetime.now(SHANGHAI).replace(hour=2, minute=10, second=0, microsecond=0)
    if night > datetime.now(SHANGHAI):
        night -= timedelta(days=1)
    night_id = await take_request(duty, people["office"], "夜间水管爆裂已关阀", recorded_at=night.astimezone(UTC))
    control_id = await take_request(duty, people["office"], "中控室接报：车库门故障", channel="control_room")
    day_id = await take_request(duty, people["office"], "白天普通报修")
    rows = {
        str(r["id"]): r["night"]
        for r in await ServiceRequest.select(ServiceRequest.id, ServiceRequest.night).where(
            ServiceRequest.id.is_in([uuid.UUID(i) for i in (night_id, control_id, day_id)])
        )
    }
    day_is_night = (
        0 <= datetime.now(SHANGHAI).hour < 8
        or datetime.now(SHANGHAI).time() >= datetime.strptime("23:30", "%H:%M").time()
    )
    assert rows[night_id] is True and rows[control_id] is True and rows[day_id] is day_is_night
    listing = (await desk.client.get("/work/requests?view=night")).text
    assert "夜间水管爆裂已关阀" in listing and "中控室接报：车库门故障" in listing
    assert zh("From the night and the control room: to turn into work orders") in (await desk.client.get("/")).text
    await issue(desk, night_id, tech)
    listing = (await desk.client.get("/work/requests?view=night")).text
    assert "夜间水管爆裂已关阀" not in listing and "中控室接报：车库门故障" in listing

"""Urgent repairs (SPEC W6): a water leak, fire alarm, lift entrapment or outage raises an alert
through the office's ladder the moment the request reaches the server; it escalates while nobody
acknowledges (controllable clock) and stops when someone does; saved offline, it is raised on
arrival and flagged late."""

from __future__ import annotations

import uuid
from datetime import timedelta

from app.alerts.service import escalate_due
from app.alerts.tables import Alert, AlertRecipient
from app.work.service import now
from app.work.tables import ServiceRequest, WorkEvent
from tests.api.roster.support import current_shift, following, publish
from tests.api.work.conftest import take_request, zh


async def _alert_of(request_id: str) -> dict:
    request = await ServiceRequest.select().where(ServiceRequest.id == uuid.UUID(request_id)).first()
    assert request["alert_id"] is not None, "no alert raised"
    return await Alert.select().where(Alert.id == request["alert_id"]).output(load_json=True).first()


async def _notified(alert_id) -> set[int]:
    rows = await AlertRecipient.select(AlertRecipient.staff).where(AlertRecipient.alert == alert_id)
    return {r["staff"] for r in rows}


async def _level(alert_id) -> int:
    return (await Alert.select(Alert.level).where(Alert.id == alert_id).first())["level"]


async def test_w6_an_everyday_leak_in_chinese_alerts_technician_and_manager_at_once_naming_the_place(people):
    """W6: "楼上漏水，卫生间天花板一直滴水" in category 渗漏 is urgent (漏水 is an everyday word, no English
    needed); the first step names the on-duty technician(s) and the manager; the alert says the
    category once and where (building, unit, location), and the push title says 紧急维修 once."""
    import json

    from app.alerts._delivery import language, push_payload

    desk, manager = people["frontdesk"], people["manager"]
    request_id = await take_request(
        desk, people["office"], "楼上漏水，卫生间天花板一直滴水", category="leaks", location="卫生间"
    )
    alert = await _alert_of(request_id)
    assert {people["tech"].id, people["tech2"].id, manager.id} <= await _notified(alert["id"])
    unit = (
        await ServiceRequest.select(
            ServiceRequest.unit.number.as_alias("n"), ServiceRequest.unit.building.name.as_alias("b")
        )
        .where(ServiceRequest.id == uuid.UUID(request_id))
        .first()
    )
    assert alert["title"] == f"{zh('Leaks')} · {unit['b']} {unit['n']} · 卫生间", alert["title"]
    with language("zh-CN"):
        push_title = json.loads(push_payload(alert, 0))["title"]
    assert push_title.count("紧急维修") == 1 and push_title.count(zh("Leaks")) == 1, push_title
    assert unit["b"] in push_title and "卫生间" in push_title


async def test_w6_the_default_words_are_everyday_chinese(people):
    """W6: 漏水, 渗水, 水浸, 爆管, 跑水, 火警, 冒烟, 困人, 关人, 停电, 停水 each make a repair urgent by default;
    an English word alone does not (no reliance on English)."""
    from app.work._common import DEFAULT_URGENT_KEYWORDS

    for word in ("漏水", "渗水", "水浸", "爆管", "跑水", "火警", "冒烟", "困人", "关人", "停电", "停水"):
        assert word in DEFAULT_URGENT_KEYWORDS, word
    assert not [w for w in DEFAULT_URGENT_KEYWORDS if w.isascii()]
    desk = people["frontdesk"]
    english = await take_request(desk, people["office"], "basement flooding", category="other")
    assert (await ServiceRequest.select(ServiceRequest.urgent).where(ServiceRequest.id == uuid.UUID(english)).first())[
        "urgent"
    ] is False
    seep = await take_request(desk, people["office"], "外墙渗水到卧室", category="other")
    assert (await _alert_of(seep))["kind"] == "urgent_repair"


async def test_w6_urgent_leak_alerts_at_once_and_escalates_until_acknowledged(people):
    """The office's default ladder: the technicians, the managers (W6: in the first step, not after a
    wait) and the engineering lead at once; the manager is called again after 5 minutes without
    acknowledgement. Acknowledged: the ladder stops, nobody is called again."""
    desk, tech, tech2, lead, manager = (people[k] for k in ("frontdesk", "tech", "tech2", "lead", "manager"))
    leak_id = await take_request(desk, people["office"], "楼上水浸，水从天花板往下流", category="leaks")
    alert = await _alert_of(leak_id)
    assert alert["kind"] == "urgent_repair" and alert["status"] == "open" and alert["needs_ack"] is True
    assert alert["url"] == f"/work/requests/{leak_id}" and alert["source"] == f"service_request:{leak_id}"
    assert await _notified(alert["id"]) == {tech.id, tech2.id, lead.id, manager.id}
    request = await ServiceRequest.select().where(ServiceRequest.id == uuid.UUID(leak_id)).first()
    assert request["urgent"] is True and "水浸" in request["urgent_reason"] and request["alert_late"] is False
    page = (await desk.client.get(f"/work/requests/{leak_id}")).text
    assert f"/alerts/{alert['id']}" in page and zh("Why urgent") in page

    raised = alert["raised_at"]
    await escalate_due(raised + timedelta(minutes=4, seconds=59))
    assert await _level(alert["id"]) == 1
    await escalate_due(raised + timedelta(minutes=5, seconds=1))
    assert await _level(alert["id"]) == 2  # nobody acknowledged: up the ladder

    # A second urgent report, acknowledged by a technician (offline-capable mutation): it stops.
    fire_id = await take_request(desk, people["office"], "3栋12楼火警报警器鸣响", category="safety_facilities")
    fire = await _alert_of(fire_id)
    result = await tech.send("alert.acknowledge", {"alert_id": str(fire["id"]), "note": "马上到"})
    assert result["status"] == "applied", result
    await escalate_due(fire["raised_at"] + timedelta(minutes=30))
    assert await _level(fire["id"]) == 1
    fire = await Alert.select(Alert.status, Alert.acknowledged_by).where(Alert.id == fire["id"]).first()
    assert fire == {"status": "acknowledged", "acknowledged_by": tech.id}


async def test_w6_saved_offline_it_is_raised_on_arrival_and_flagged_late(people):
    """The duty officer took the report with no signal 40 minutes ago: the alert goes out when it
    arrives (not backdated, so the ladder's waits start now), marked late on the alert and the request."""
    duty = people["duty"]
    recorded = now() - timedelta(minutes=40)
    request_id = await take_request(
        duty, people["office"], "2栋电梯困人，两人被困", category="lifts", recorded_at=recorded
    )
    alert = await _alert_of(request_id)
    assert alert["raised_at"] > recorded + timedelta(minutes=39)
    assert alert["title"].startswith(zh("Late: %(title)s", title=""))
    request = (
        await ServiceRequest.select(ServiceRequest.alert_late, ServiceRequest.synced_later)
        .where(ServiceRequest.id == uuid.UUID(request_id))
        .first()
    )
    assert request == {"alert_late": True, "synced_later": True}
    events = (
        await WorkEvent.select(WorkEvent.kind, WorkEvent.details)
        .where(WorkEvent.request == uuid.UUID(request_id))
        .output(load_json=True)
    )
    assert {"kind": "alert", "details": {"alert_id": str(alert["id"]), "late": True}} in events
    assert zh("Alert raised late: saved offline") in (await duty.client.get(f"/work/requests/{request_id}")).text


async def test_w6_what_makes_a_request_urgent(people):
    """Keywords (configurable per office), an urgent category, or marked urgent at intake; otherwise no alert."""
    desk, lead = people["frontdesk"], people["lead"]
    plain_id = await take_request(desk, people["office"], "卧室灯开关松动", category="electrical")
    plain = await ServiceRequest.select().where(ServiceRequest.id == uuid.UUID(plain_id)).first()
    assert plain["urgent"] is False and plain["alert_id"] is None

    marked_id = await take_request(desk, people["office"], "业主要求尽快处理", category="other", urgency="urgent")
    assert (await _alert_of(marked_id))["kind"] == "urgent_repair"

    await lead.post("/work/settings/keywords", {"keywords": "燃气味"})
    gas_id = await take_request(desk, people["office"], "厨房有燃气味", category="other")
    assert (await _alert_of(gas_id))["kind"] == "urgent_repair"
    not_any_more = await take_request(desk, people["office"], "地下室水浸", category="other")
    assert (
        await ServiceRequest.select(ServiceRequest.urgent).where(ServiceRequest.id == uuid.UUID(not_any_more)).first()
    )["urgent"] is False  # the office replaced the default words

    form = {f"hours_{c}": "24" for c in ("plumbing", "electrical", "doors_locks", "lifts", "public_facilities")}
    form |= {"hours_leaks": "48", "hours_safety_facilities": "24", "hours_other": "72", "urgent_lifts": "on"}
    assert (await lead.post("/work/settings/categories", form)).status_code == 303
    lift_id = await take_request(desk, people["office"], "电梯运行有异响", category="lifts")
    assert (await _alert_of(lift_id))["kind"] == "urgent_repair"


async def test_w6_a_resent_urgent_request_raises_one_alert(people):
    desk = people["frontdesk"]
    from tests.api.work.conftest import repair

    at, mutation_id = now(), str(uuid.uuid4())
    data = repair(people["office"], "地库跑水", category="leaks")
    first = await desk.send("request.create", data, mutation_id, recorded_at=at)
    again = await desk.send("request.create", data, mutation_id, recorded_at=at)
    assert (first["status"], again["status"]) == ("applied", "duplicate")
    assert await Alert.count().where(Alert.source == f"service_request:{mutation_id}") == 1


async def test_w6_the_technician_rostered_for_the_shift_is_named_not_every_technician(people):
    """W6 "the on-duty technician": with a published roster that puts tech2 on the shift now, the
    urgent alert names tech2 (and the engineering lead, the ladder's step at once), not tech; with no
    technician rostered for the shift, every technician is named rather than nobody (the test above)."""
    tech, tech2, lead = people["tech"], people["tech2"], people["lead"]
    now_shift = current_shift()
    await publish(people["office"]["id"], [(*now_shift, tech2.id), (*following(now_shift), tech.id)])
    request_id = await take_request(
        people["frontdesk"], people["office"], "地下车库停电，灯全灭", category="electrical"
    )
    alert = await _alert_of(request_id)
    assert await _notified(alert["id"]) == {tech2.id, lead.id, people["manager"].id}


async def test_w6_keywords_make_only_repairs_and_help_requests_urgent(people):
    """W6 is about urgent repairs: a complaint or consultation that merely mentions 停水 raises no
    alert; a help request that reports it does; marked urgent by the person, any kind is urgent."""
    desk, office = people["frontdesk"], people["office"]

    async def urgent(kind: str, text: str, **extra) -> bool:
        data = {"channel": "phone", "kind": kind, "unit_id": office["units"][0], "description": text, **extra}
        result = await desk.send("request.create", data)
        assert result["status"] == "applied", result
        row = (
            await ServiceRequest.select(ServiceRequest.urgent, ServiceRequest.alert_id)
            .where(ServiceRequest.id == uuid.UUID(result["id"]))
            .first()
        )
        assert row["urgent"] is (row["alert_id"] is not None)
        return row["urgent"]

    assert await urgent("complaint", "上周停水没有提前通知，要求解释") is False
    assert await urgent("consultation", "请问明天停水到几点") is False
    assert await urgent("help", "家里停水，老人行动不便需要送水") is True
    assert await urgent("complaint", "电梯困人半小时无人处理", urgency="urgent") is True

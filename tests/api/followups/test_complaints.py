"""Complaints (C1–C5): the 3-day answer with alerts to owner and supervisor, first responder ownership,
minor closed at once, major to the supervisor; consultations (Q1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.alerts.tables import Alert, AlertRecipient
from app.followups.complaints import check_deadlines
from app.followups.tables import Complaint, Consultation, NoticeTopics
from app.work.tables import ServiceRequest
from tests.api.followups.conftest import make_request


async def alerts_of(office_id: int) -> list[dict]:
    return await Alert.select().where(Alert.office == office_id).order_by(Alert.raised_at).output(load_json=True)


async def test_unanswered_complaint_alerts_owner_and_supervisor_before_and_at_three_days(people):
    """C3: 12 hours before the limit the owner and the supervisor are alerted; at 3 days again (lapsed);
    each once; an answered complaint raises nothing."""
    office, fd, sup = people["office"], people["frontdesk"], people["supervisor"]
    taken = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)
    complaint = await make_request(office, fd.id, kind="complaint", at=taken, description="楼道灯坏了没人管")
    answered = await make_request(office, fd.id, kind="complaint", at=taken)
    await Complaint.insert(Complaint(office=office["id"], request=answered, answer="已答复", answered_at=taken))

    assert await check_deadlines(office["id"], taken + timedelta(days=2)) == []
    await check_deadlines(office["id"], taken + timedelta(days=2, hours=13))
    (soon,) = await alerts_of(office["id"])
    assert soon["kind"] == "complaint_due" and soon["url"] == f"/complaints/{complaint}"
    assert {fd.id, sup.id} <= set(soon["named"])
    notified = {r["staff"] for r in await AlertRecipient.select().where(AlertRecipient.alert == soon["id"])}
    assert {fd.id, sup.id} <= notified

    await check_deadlines(office["id"], taken + timedelta(days=3, minutes=1))
    await check_deadlines(office["id"], taken + timedelta(days=3, hours=5))
    alerts = await alerts_of(office["id"])
    assert [a["kind"] for a in alerts] == ["complaint_due", "complaint_lapsed"]
    lapsed = alerts[1]
    assert {fd.id, sup.id} <= set(lapsed["named"]) and lapsed["needs_ack"] is True
    notified = {r["staff"] for r in await AlertRecipient.select().where(AlertRecipient.alert == lapsed["id"])}
    assert {fd.id, sup.id} <= notified


async def test_first_responder_handles_minor_closes_major_goes_to_supervisor(people):
    """C1–C4: only the owner (or the supervisor) handles it; a minor complaint is closed at once with the
    answer; a major one alerts the supervisor and only the supervisor closes it."""
    office, fd, sup, lead = people["office"], people["frontdesk"], people["supervisor"], people["lead"]
    result = await fd.send(
        "request.create",
        {"channel": "phone", "kind": "complaint", "description": "保洁不及时", "unit_id": office["units"][1]},
    )
    assert result["status"] == "applied", result
    minor = result["id"]
    other = await lead.send(
        "complaint.classify", {"request_id": minor, "classification": "service", "department": "cleaning"}
    )
    assert other["status"] == "rejected" and other["error"]["code"] == "not_owner"
    ok = await fd.send(
        "complaint.classify", {"request_id": minor, "classification": "service", "department": "cleaning"}
    )
    assert ok["status"] == "applied"
    visit = await fd.send(
        "complaint.visit", {"request_id": minor, "visited_at": "2026-11-10T10:00", "head_name": "王主管"}
    )
    assert visit["status"] == "applied"
    answer = await fd.send("complaint.answer", {"request_id": minor, "answer": "已安排每日两次清扫", "close": 1})
    assert answer["status"] == "applied", answer
    state = await ServiceRequest.select(ServiceRequest.state).where(ServiceRequest.id == minor).first()
    assert state["state"] == "closed"
    detail = await Complaint.select().where(Complaint.request == minor).first()
    assert detail["visit_head"] == "王主管" and detail["answered_at"] is not None

    major = (
        await fd.send(
            "request.create", {"channel": "visit", "kind": "complaint", "description": "物业费乱收", "location": "南门"}
        )
    )["id"]
    await fd.send(
        "complaint.classify",
        {"request_id": major, "classification": "charges", "department": "customer_service", "severity": "major"},
    )
    (alert,) = [a for a in await alerts_of(office["id"]) if a["kind"] == "complaint_major"]
    assert sup.id in {r["staff"] for r in await AlertRecipient.select().where(AlertRecipient.alert == alert["id"])}
    refused = await fd.send("complaint.answer", {"request_id": major, "answer": "已解释收费标准", "close": 1})
    assert refused["status"] == "rejected" and refused["error"]["field"] == "close"
    closed = await sup.send(
        "complaint.answer", {"request_id": major, "answer": "已解释收费标准并退还多收部分", "close": 1}
    )
    assert closed["status"] == "applied", closed

    page = await fd.client.get("/complaints?view=all")
    assert "保洁不及时" in page.text and "物业费乱收" in page.text
    bad = await fd.post(f"/complaints/{major}/answer", {"answer": ""})
    assert bad.status_code == 422


async def test_open_complaint_list_shows_the_countdown(people):
    """C3: every list shows the hours left to answer."""
    office, fd = people["office"], people["frontdesk"]
    await make_request(
        office, fd.id, kind="complaint", at=datetime.now(UTC) - timedelta(hours=30), description="噪音扰民"
    )
    page = await fd.client.get("/complaints")
    assert "噪音扰民" in page.text
    assert "距答复时限还剩 41 小时" in page.text or "距答复时限还剩 42 小时" in page.text
    detail_link = page.text.index("/complaints/")
    assert detail_link > 0


async def test_c3_an_overdue_complaint_shows_the_hours_it_is_over(people):
    """C3: a complaint 2 hours 10 minutes past its 3 days shows "2 h over" (not 3: whole hours, not
    rounded away from zero); one 59 minutes over shows 0."""
    office, fd = people["office"], people["frontdesk"]
    now = datetime.now(UTC)
    await make_request(
        office, fd.id, kind="complaint", at=now - timedelta(days=3, hours=2, minutes=10), description="两小时"
    )
    await make_request(
        office, fd.id, kind="complaint", at=now - timedelta(days=3, minutes=59), description="不到一小时"
    )
    page = (await fd.client.get("/complaints?view=lapsed")).text
    assert "3 天内未答复（已超 2 小时）" in page and "已超 3 小时" not in page
    assert "3 天内未答复（已超 0 小时）" in page


async def test_c3_work_requests_list_shows_the_complaint_countdown(people):
    """C3 "on every list": a complaint's row on /work/requests shows the same countdown as /complaints,
    computed by the complaint module (the work list only passes it to the template); a repair has none."""
    office, fd, tech = people["office"], people["frontdesk"], people["tech"]
    complaint = await make_request(
        office, fd.id, kind="complaint", at=datetime.now(UTC) - timedelta(hours=30), description="电梯噪音"
    )
    lapsed = await make_request(
        office, fd.id, kind="complaint", at=datetime.now(UTC) - timedelta(days=4), description="垃圾未清"
    )
    repair = await make_request(office, fd.id, description="水龙头漏水")
    rows = (await fd.client.get("/work/requests?view=open", headers={"hx-request": "true"})).text
    assert "<html" not in rows
    listed = (await fd.client.get("/complaints", headers={"hx-request": "true"})).text
    # The same words as on /complaints, once per complaint row, none for the repair.
    left = next(t for t in ("距答复时限还剩 41 小时", "距答复时限还剩 42 小时") if t in rows)
    assert left in listed
    assert rows.count("countdown") == 2 and "3 天内未答复" in rows
    row_of = {rid: rows[rows.index(f"/work/requests/{rid}") :][:1500] for rid in (complaint, lapsed, repair)}
    assert "countdown" in row_of[complaint] and "3 天内未答复" in row_of[lapsed]
    technicians = (await tech.client.get("/work/requests?view=open", headers={"hx-request": "true"})).text
    assert "3 天内未答复" in technicians  # whoever sees the requests list sees the countdown


async def test_consultations_log_and_quarterly_summary_by_topic(people):
    """Q1: questions logged (offline-capable), summarised by topic for the quarter; the supervisor records
    next quarter's notice-board topics."""
    fd, sup = people["frontdesk"], people["supervisor"]
    for topic, question in [("fees", "物业费怎么交"), ("fees", "能否银行托收"), ("parking", "临时停车怎么收费")]:
        assert (await fd.send("consultation.log", {"topic": topic, "question": question, "answer": "见公告"}))[
            "status"
        ] == "applied"
    empty = await fd.send("consultation.log", {"topic": "fees", "question": "  "})
    assert empty["status"] == "rejected" and empty["error"]["field"] == "question"
    now = datetime.now(UTC).astimezone()
    quarter = f"{now.year}-Q{(now.month - 1) // 3 + 1}"
    page = await sup.client.get(f"/consultations/summary?quarter={quarter}")
    assert page.status_code == 200
    assert page.text.index("收费") < page.text.index("停车")  # the most asked topic first
    response = await sup.post(
        "/consultations/topics", {"quarter": "2031-Q1", "from_quarter": "2030-Q4", "topics": "物业费缴纳方式"}
    )
    assert response.status_code == 303
    assert await NoticeTopics.count().where(NoticeTopics.topics == "物业费缴纳方式") == 1
    refused = await fd.post("/consultations/topics", {"quarter": "2031-Q1", "topics": "x"})
    assert refused.status_code == 403
    assert await Consultation.count().where(Consultation.office == people["office"]["id"]) == 3

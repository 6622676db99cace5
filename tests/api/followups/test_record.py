"""Recording follow-ups (`followup.record`) and F6: not satisfied reopens rectification until satisfied."""

from __future__ import annotations

import hashlib
import struct
import uuid
import zlib
from datetime import UTC, datetime, timedelta

from app.followups.rules import generate_followups
from app.followups.service import get_task, list_tasks
from app.followups.tables import Complaint, FollowupRecord, FollowupTask, Rectification
from app.work.tables import ServiceRequest, WorkOrder
from tests.api.followups.conftest import local, make_order, make_request


def png(text: str) -> bytes:
    data = text.encode()
    rows = b"".join(b"\x00" + bytes([c, 0, 0]) for c in data)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, len(data), 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def upload_signature(actor) -> str:
    body = png(uuid.uuid4().hex)
    sha = hashlib.sha256(body).hexdigest()
    response = await actor.client.put(
        f"/api/attachments/{sha}", content=body, headers={"content-type": "image/png", "x-csrftoken": actor.token}
    )
    assert response.status_code in (200, 201), response.text
    return sha


async def repair_task(people) -> dict:
    """A repair done yesterday by the technician, and its F2 follow-up."""
    office, fd, tech = people["office"], people["frontdesk"], people["tech"]
    now = datetime.now(UTC)
    order = await make_order(office, fd.id, now - timedelta(days=1), assignee=tech.id, category="plumbing")
    await generate_followups(office["id"], now)
    task = await FollowupTask.select().where(FollowupTask.key == f"F2:{order['id']}").first()
    assert task is not None
    return {**task, "order": order}


def record(task_id, reached=1, satisfied=1, words="", method="phone") -> dict:
    data = {"task_id": str(task_id), "method": method, "reached": reached, "words": words}
    if satisfied is not None:
        data["satisfied"] = satisfied
    return data


async def test_not_reached_keeps_the_task_open_then_satisfied_closes_it(people):
    """A call that does not reach the resident is recorded and the task stays open; reaching a satisfied
    resident closes it; a later record of the same task is kept and changes nothing (append-only)."""
    fd = people["frontdesk"]
    task = await repair_task(people)
    result = await fd.send("followup.record", record(task["id"], reached=0, satisfied=None))
    assert result["status"] == "applied", result
    assert (await FollowupTask.select(FollowupTask.state).where(FollowupTask.id == task["id"]).first())[
        "state"
    ] == "open"

    result = await fd.send("followup.record", record(task["id"], words="修好了，谢谢"))
    assert result["status"] == "applied", result
    row = await FollowupTask.select().where(FollowupTask.id == task["id"]).first()
    assert row["state"] == "done" and row["satisfied"] is True

    again = await people["supervisor"].send("followup.record", record(task["id"], satisfied=0, words="又漏了"))
    assert again["status"] == "applied"
    assert await FollowupRecord.count().where(FollowupRecord.task == task["id"]) == 3
    assert await Rectification.count().where(Rectification.task == task["id"]) == 0
    assert (await FollowupTask.select().where(FollowupTask.id == task["id"]).first())["satisfied"] is True


async def test_not_satisfied_reopens_rectification_until_satisfied(people):
    """F6: not satisfied → a linked work order with a deadline (to the same technician); when it is done
    a new follow-up appears; satisfied then ends the chain."""
    office, fd, tech = people["office"], people["frontdesk"], people["tech"]
    task = await repair_task(people)
    result = await fd.send("followup.record", record(task["id"], satisfied=0, words="水龙头还在滴水"))
    assert result["status"] == "applied", result

    rect = await Rectification.select().where(Rectification.task == task["id"]).first()
    assert rect is not None
    order = await WorkOrder.select().where(WorkOrder.id == rect["work_order"]).first()
    request = await ServiceRequest.select().where(ServiceRequest.id == rect["request"]).first()
    assert order["state"] == "dispatched" and order["assignee"] == tech.id
    assert rect["deadline"] == order["due_at"]  # W4 standard time of the category
    assert request["unit"] == office["units"][0] and "水龙头还在滴水" in request["description"]
    assert request["owner"] == fd.id

    # Not done yet: no new follow-up.
    await generate_followups(office["id"], datetime.now(UTC))
    assert await FollowupTask.count().where(FollowupTask.key == f"F6:{order['id']}") == 0

    # The technician does the rectification on the phone (app.work's own mutations).
    step = {"order_id": str(order["id"]), "expected_assignee": tech.id}
    assert (await tech.send("work_order.accept", {**step, "expected_state": "dispatched"}))["status"] == "applied"
    signature = await upload_signature(tech)
    done = await tech.send(
        "work_order.complete", {**step, "expected_state": "accepted", "signature": signature, "signed_by": "住户"}
    )
    assert done["status"] == "applied", done

    new = await generate_followups(office["id"], datetime.now(UTC))
    (again,) = [t for t in new if t["rule"] == "F6"]
    assert again["work_order"] == order["id"] and again["assignee"] == fd.id

    result = await fd.send("followup.record", record(again["id"], words="这次好了"))
    assert result["status"] == "applied"
    assert await Rectification.count().where(Rectification.task == again["id"]) == 0
    await generate_followups(office["id"], datetime.now(UTC) + timedelta(hours=1))
    assert await FollowupTask.count().where(FollowupTask.rule == "F6", FollowupTask.office == office["id"]) == 1


async def test_bad_follow_ups_are_rejected_with_a_reason(people, other_office, make_staff):
    """Reached without saying satisfied, not satisfied without the words, a patrol officer, another
    office's task: each rejected with a code and a message a person can act on; nothing stored."""
    fd = people["frontdesk"]
    task = await repair_task(people)
    missing = await fd.send("followup.record", record(task["id"], satisfied=None))
    assert missing["status"] == "rejected" and missing["error"]["field"] == "satisfied"
    assert "满意" in missing["error"]["message"]
    no_words = await fd.send("followup.record", record(task["id"], satisfied=0, words=""))
    assert no_words["status"] == "rejected" and no_words["error"]["field"] == "words"
    patrol = await people["patrol"].send("followup.record", record(task["id"]))
    assert patrol["status"] == "rejected" and patrol["error"]["code"] == "forbidden"
    unknown = await fd.send("followup.record", record(uuid.uuid4()))
    assert unknown["status"] == "rejected" and unknown["error"]["code"] == "task_not_found"
    bad_method = await fd.send("followup.record", record(task["id"], method="email"))
    assert bad_method["status"] == "rejected" and bad_method["error"]["code"] == "invalid"
    assert await FollowupRecord.count().where(FollowupRecord.task == task["id"]) == 0


async def test_plain_form_fallback_and_pages(people):
    """Without JavaScript the form posts to the same mutation: 422 with the message beside the field,
    then 303; the list and the task page show it, and htmx gets the fragment only."""
    fd = people["frontdesk"]
    task = await repair_task(people)
    url = f"/followups/{task['id']}"
    bad = await fd.post(url, {"id": str(uuid.uuid4()), "method": "phone", "reached": "1", "words": ""})
    assert bad.status_code == 422
    assert 'id="e-satisfied"' in bad.text and "满意" in bad.text
    ok = await fd.post(
        url, {"id": str(uuid.uuid4()), "method": "visit", "reached": "1", "satisfied": "1", "words": "很好"}
    )
    assert ok.status_code == 303, ok.text
    page = await fd.client.get(url)
    assert page.status_code == 200 and "很好" in page.text and "<html" in page.text
    fragment = await fd.client.get(url, headers={"hx-request": "true"})
    assert "很好" in fragment.text and "<html" not in fragment.text
    listing = await fd.client.get("/followups?view=done")
    assert str(task["id"]) in listing.text
    assert (await people["patrol"].client.get("/followups")).status_code == 403


async def test_a_first_responders_follow_ups_are_theirs_alone(people):
    """C4, F1, F2: a complaint's and a repair's follow-ups are listed under "mine" for their first
    responder only, and only they (or a supervisor) record them; a sampled task of the desk's role
    (F4) is still anyone's at the desk, and F3 the engineering lead's."""
    office, fd, desk2, sup, lead = (people[k] for k in ("office", "frontdesk", "desk2", "supervisor", "lead"))
    thursday = local(2026, 11, 12, 10, 0)
    own = await make_order(office, fd.id, thursday)
    other = await make_order(office, desk2.id, thursday)
    paid = await make_order(office, desk2.id, thursday, paid=True, charges_fen=8_000)
    complaint = await make_request(office, fd.id, kind="complaint", at=thursday)
    await Complaint.insert(Complaint(office=office["id"], request=complaint, answered_at=local(2026, 11, 13, 9, 0)))
    now = local(2026, 11, 16, 8, 0)  # Monday: the weekly samples are drawn too
    await generate_followups(office["id"], now)

    async def mine(actor) -> set[str]:
        tasks = await list_tasks(await actor.current(), "mine", now)
        return {f"{t['rule']}:{t['work_order'] or t['request']}" for t in tasks}

    f2, f1, f4 = f"F2:{own['id']}", f"F1:{complaint}", f"F4:{paid['id']}"
    assert await mine(fd) == {f2, f1, f4}
    assert await mine(desk2) == {f"F2:{other['id']}", f"F2:{paid['id']}", f4}  # paid: F2 and F4
    assert {k[:3] for k in await mine(lead)} == {"F3:"}

    tasks = {t["key"]: t for t in await FollowupTask.select().where(FollowupTask.office == office["id"])}
    assert not (await get_task(await desk2.current(), tasks[f2]["id"], now))["can_record"]
    assert 'id="followup-form"' not in (await desk2.client.get(f"/followups/{tasks[f2]['id']}")).text
    refused = await desk2.send("followup.record", record(tasks[f2]["id"]))
    assert refused["status"] == "rejected" and refused["error"]["code"] == "not_assignee"
    assert (await fd.send("followup.record", record(tasks[f2]["id"])))["status"] == "applied"
    assert (await sup.send("followup.record", record(tasks[f1]["id"])))["status"] == "applied"  # on behalf
    assert (await desk2.send("followup.record", record(tasks[f4]["id"])))["status"] == "applied"
    assert await FollowupRecord.count().where(FollowupRecord.task == tasks[f2]["id"]) == 1


async def test_f5_the_quarterly_visit_asks_about_the_other_services_and_they_are_counted(people):
    """F5: reached, the visit records satisfied or not with the front desk, cleaning, landscaping and
    security (each required); the monthly report counts those answers."""
    from app.clock import zone

    office, fd, sup = people["office"], people["frontdesk"], people["supervisor"]
    await make_order(office, fd.id, local(2026, 8, 20, 10, 0))
    await generate_followups(office["id"], local(2026, 10, 1, 9, 0))
    (task,) = await FollowupTask.select().where((FollowupTask.office == office["id"]) & (FollowupTask.rule == "F5"))
    page = (await sup.client.get(f"/followups/{task['id']}")).text
    assert 'id="f5-aspects"' in page and "绿化" in page and "秩序维护" in page
    base = {"task_id": str(task["id"]), "method": "visit", "reached": 1, "satisfied": 1}
    missing = await sup.send("followup.record", {**base, "about_frontdesk": 1})
    assert missing["status"] == "rejected" and missing["error"]["code"] == "aspect_required"
    answers = {"about_frontdesk": 1, "about_cleaning": 0, "about_landscaping": 1, "about_security": 1}
    data = {**base, **answers, "words": "楼道保洁不及时"}
    result = await sup.send("followup.record", data)
    assert result["status"] == "applied", result
    row = await FollowupRecord.select(FollowupRecord.aspects).where(FollowupRecord.task == task["id"]).first()
    aspects = row["aspects"] if isinstance(row["aspects"], dict) else __import__("json").loads(row["aspects"])
    assert aspects == {"frontdesk": True, "cleaning": False, "landscaping": True, "security": True}
    month = datetime.now(UTC).astimezone(zone()).strftime("%Y-%m")
    report = (await sup.client.get(f"/reports/monthly?month={month}")).text
    cleaning = report.split('data-aspect="cleaning"')[1].split("</tr>")[0]
    assert "<td>0</td><td>1</td>" in cleaning

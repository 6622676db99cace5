"""Who hears of a work order: the technician it is issued or dispatched to, the engineering lead for
the queue (SPEC W2); the engineering lead when it cannot be fixed, then the manager, and the manager
when it is escalated — open until someone answers (SPEC W5)."""

from __future__ import annotations

from datetime import timedelta

from app.alerts.service import escalate_due
from app.alerts.tables import Alert, AlertRecipient
from app.work.service import now
from tests.api.work.conftest import issue, step, take_request, zh


async def _alerts(order_id: str, kind: str) -> list[dict]:
    return (
        await Alert.select()
        .where((Alert.kind == kind) & Alert.source.like(f"work_order:{order_id}:%"))
        .order_by(Alert.raised_at)
        .output(load_json=True)
    )


async def _notified(alert_id) -> set[int]:
    rows = await AlertRecipient.select(AlertRecipient.staff).where(AlertRecipient.alert == alert_id)
    return {r["staff"] for r in rows}


async def _escalate_all(at) -> None:
    """Run the ladder at `at` until nothing is due (other tests' open alerts share the queue)."""
    while await escalate_due(at):
        pass


async def _assignment_notices(order_id: str) -> list[set[int]]:
    """Who each assignment notice of the order reached, oldest first."""
    return [await _notified(a["id"]) for a in await _alerts(order_id, "work_order_assigned")]


async def test_w2_the_technician_an_order_is_issued_to_is_notified(people):
    """W2: issued to a technician, that technician (and nobody else) gets a notice that opens the
    order, with no acknowledgement needed; a resent issue is one notice. The request page says so."""
    desk, tech = people["frontdesk"], people["tech"]
    request_id = await take_request(desk, people["office"], "厨房下水道堵塞", appointment_at="2030-01-02T09:30")
    page = (await desk.client.get(f"/work/requests/{request_id}")).text
    assert zh("Issue and notify") in page
    assert zh("The technician is notified at once; an order left in the queue notifies the engineering lead.") in page

    data = {"request_id": request_id, "assignee_id": tech.id, "paid": 0}
    at = now()
    order_id = (await desk.send("work_order.issue", data, recorded_at=at))["id"]
    again = await desk.send("work_order.issue", data, order_id, recorded_at=at)
    assert again["status"] == "duplicate"
    (notice,) = await _alerts(order_id, "work_order_assigned")
    assert notice["url"] == f"/work/orders/{order_id}" and notice["named"] == [tech.id]
    assert notice["needs_ack"] is False and notice["status"] == "info"
    assert "厨房下水道堵塞" in notice["body"] and "01-02 09:30" in notice["body"]
    assert notice["title"].startswith("No.") and zh("Plumbing") in notice["title"]
    assert await _notified(notice["id"]) == {tech.id}


async def test_w2_the_queue_notifies_the_lead_and_every_reassignment_its_technician(people):
    """W2: an order left in the queue notifies the engineering lead; dispatched, reassigned and given
    back, each technician it goes to hears of it (A → B → A included). The lead is not told of their
    own step, and a stale dispatch (rejected) sends nothing."""
    desk, tech, tech2, lead = people["frontdesk"], people["tech"], people["tech2"], people["lead"]
    order_id = await issue(desk, await take_request(desk, people["office"], "楼道灯不亮", category="electrical"), None)
    assert await _assignment_notices(order_id) == [{lead.id}]
    (queued,) = await _alerts(order_id, "work_order_assigned")
    assert zh("In your queue: dispatch it to a technician.") in queued["body"]

    for expected, to in [("queued", tech), ("dispatched", tech2), ("dispatched", tech)]:
        result = await lead.send(
            "work_order.dispatch", {"order_id": order_id, "expected_state": expected, "assignee_id": to.id}
        )
        assert result["status"] == "applied", result
    stale = await lead.send(
        "work_order.dispatch", {"order_id": order_id, "expected_state": "queued", "assignee_id": tech2.id}
    )
    assert stale["status"] == "rejected"
    back = await lead.send(
        "work_order.dispatch", {"order_id": order_id, "expected_state": "dispatched", "assignee_id": None}
    )
    assert back["status"] == "applied"  # the lead put it in their own queue: no notice
    assert await _assignment_notices(order_id) == [{lead.id}, {tech.id}, {tech2.id}, {tech.id}]


async def test_w2_an_urgent_request_keeps_one_urgent_alert_and_gets_one_assignment_notice(people):
    """W6 raised `urgent_repair` at intake; issuing the order adds the technician's notice (marked
    urgent), not a second urgent alert."""
    desk, tech = people["frontdesk"], people["tech"]
    request_id = await take_request(desk, people["office"], "楼上水浸，天花板滴水", category="leaks")
    order_id = await issue(desk, request_id, tech)
    assert await Alert.count().where((Alert.office == people["office"]["id"]) & (Alert.kind == "urgent_repair")) == 1
    (notice,) = await _alerts(order_id, "work_order_assigned")
    assert notice["title"].startswith(zh("Urgent")) and await _notified(notice["id"]) == {tech.id}


async def test_w5_cannot_fix_alerts_the_lead_then_the_manager_until_answered(people):
    """W5: "cannot fix" reaches the engineering lead at once and stays open; unanswered for an hour,
    the manager too."""
    desk, tech, lead, manager = people["frontdesk"], people["tech"], people["lead"], people["manager"]
    order_id = await issue(desk, await take_request(desk, people["office"], "外墙渗水需搭架"), tech)
    await tech.send("work_order.accept", step(order_id, "dispatched", tech))
    result = await tech.send("work_order.cannot_fix", step(order_id, "accepted", tech, reason="需要吊篮"))
    assert result["status"] == "applied", result
    (alert,) = await _alerts(order_id, "work_order_cannot_fix")
    assert alert["needs_ack"] is True and alert["status"] == "open"
    assert alert["url"] == f"/work/orders/{order_id}" and "需要吊篮" in alert["body"]
    assert await _notified(alert["id"]) == {lead.id}
    await _escalate_all(alert["raised_at"] + timedelta(minutes=59))
    assert manager.id not in await _notified(alert["id"])
    await _escalate_all(alert["raised_at"] + timedelta(minutes=61))
    assert manager.id in await _notified(alert["id"])


async def test_w5_escalation_alerts_the_manager_and_each_next_step_answers_the_last(people):
    """W5: the lead's escalation answers the cannot-fix alert (the ladder stops) and alerts the
    manager, whose alert stays open until the order is solved."""
    desk, tech, lead, manager = people["frontdesk"], people["tech"], people["lead"], people["manager"]
    order_id = await issue(desk, await take_request(desk, people["office"], "主水管锈蚀需停水更换"), tech)
    await tech.send("work_order.cannot_fix", step(order_id, "dispatched", tech, reason="需整栋停水"))
    escalate = {"order_id": order_id, "expected_state": "cannot_fix", "note": "需外包施工"}
    assert (await lead.send("work_order.escalate", escalate))["status"] == "applied"
    (cannot,) = await _alerts(order_id, "work_order_cannot_fix")
    assert (cannot["status"], cannot["acknowledged_by"]) == ("acknowledged", lead.id)
    await _escalate_all(cannot["raised_at"] + timedelta(hours=3))
    assert manager.id not in await _notified(cannot["id"])  # answered: the ladder stopped

    (escalated,) = await _alerts(order_id, "work_order_escalated")
    assert escalated["needs_ack"] is True and escalated["status"] == "open" and "需外包施工" in escalated["body"]
    assert await _notified(escalated["id"]) == {manager.id}
    resolve = {"order_id": order_id, "expected_state": "escalated", "note": "外包已更换"}
    assert (await manager.send("work_order.resolve", resolve))["status"] == "applied"
    row = await Alert.select(Alert.status, Alert.acknowledged_by).where(Alert.id == escalated["id"]).first()
    assert row == {"status": "acknowledged", "acknowledged_by": manager.id}


async def test_w5_a_stale_cannot_fix_sends_nothing(people):
    """A change rejected as stale is undone with everything it wrote, its alert included."""
    desk, tech, tech2, lead = people["frontdesk"], people["tech"], people["tech2"], people["lead"]
    order_id = await issue(desk, await take_request(desk, people["office"]), tech)
    dispatch = {"order_id": order_id, "expected_state": "dispatched", "assignee_id": tech2.id}
    assert (await lead.send("work_order.dispatch", dispatch))["status"] == "applied"
    result = await tech.send("work_order.cannot_fix", step(order_id, "dispatched", tech, reason="没有配件"))
    assert result["status"] == "rejected"
    assert await _alerts(order_id, "work_order_cannot_fix") == []

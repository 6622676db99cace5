"""F6 + C2: a complaint's follow-up that finds the resident not satisfied reopens the fix with the
complaint's responsible department and its head — an inbox and an alert for that head — not a repair
order in engineering's queue; fixed, it is followed up again, until the resident is satisfied."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.alerts.tables import Alert, AlertRecipient
from app.auth.guard import SESSION_COOKIE
from app.auth.service import start_session
from app.followups.rules import generate_followups
from app.followups.tables import Complaint, ComplaintReopening, FollowupTask, Rectification
from app.work.tables import WorkOrder
from tests.api.followups.conftest import Actor, make_request
from tests.support.factories import csrf_token


async def test_f6_c2_an_unsatisfied_complaint_goes_back_to_its_department_head(people, make_staff, new_client):
    office, fd = people["office"], people["frontdesk"]
    head = await make_staff(office["id"], "dept_head", department="cleaning")
    other_head = await make_staff(office["id"], "dept_head", department="security")
    client = new_client()
    client.cookies.set(SESSION_COOKIE, await start_session(head["id"], "pytest"))
    head_actor = Actor(client=client, token=await csrf_token(client), staff=head)

    now = datetime.now(UTC)
    complaint = await make_request(
        office, fd.id, kind="complaint", at=now - timedelta(days=2), description="楼道垃圾没人清"
    )
    await Complaint.insert(
        Complaint(office=office["id"], request=complaint, department="cleaning", answered_at=now - timedelta(days=1))
    )
    await generate_followups(office["id"], now)
    (task,) = await FollowupTask.select().where((FollowupTask.office == office["id"]) & (FollowupTask.rule == "F1"))
    orders_before = await WorkOrder.count().where(WorkOrder.office == office["id"])
    data = {"task_id": str(task["id"]), "method": "phone", "reached": 1, "satisfied": 0, "words": "垃圾还在"}
    assert (await fd.send("followup.record", data))["status"] == "applied"

    # Not a repair order in engineering's queue: the cleaning department's head has it, with a deadline.
    assert await WorkOrder.count().where(WorkOrder.office == office["id"]) == orders_before
    assert not await Rectification.exists().where(Rectification.task == task["id"])
    (reopening,) = (
        await ComplaintReopening.select().where(ComplaintReopening.request == complaint).output(load_json=True)
    )
    assert reopening["department"] == "cleaning" and reopening["heads"] == [head["id"]]
    assert reopening["deadline"] > now + timedelta(days=2)
    alert = await Alert.select().where(Alert.source == f"complaint_reopening:{reopening['id']}").first()
    assert alert["kind"] == "complaint_reopened" and "垃圾还在" in alert["title"]
    notified = {
        r["staff"] for r in await AlertRecipient.select(AlertRecipient.staff).where(AlertRecipient.alert == alert["id"])
    }
    assert notified == {head["id"]}
    inbox = (await head_actor.client.get("/complaints/reopened")).text
    assert "楼道垃圾没人清" in inbox and "垃圾还在" in inbox
    assert other_head["id"] not in notified

    # The head leads the fix and reports it fixed; the resident is followed up again (F6).
    fixed = await head_actor.send(
        "complaint.reopen_fixed", {"reopening_id": str(reopening["id"]), "note": "已清运并加派保洁"}
    )
    assert fixed["status"] == "applied", fixed
    assert "楼道垃圾没人清" not in (await head_actor.client.get("/complaints/reopened")).text
    await generate_followups(office["id"], datetime.now(UTC))
    (again,) = await FollowupTask.select().where((FollowupTask.office == office["id"]) & (FollowupTask.rule == "F6"))
    assert again["request"] == complaint and again["assignee"] == fd.id

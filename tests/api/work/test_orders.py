"""Work orders (SPEC W2–W5, W7, C4): issue, dispatch, the technician's steps, signature, history."""

from __future__ import annotations

import uuid
from datetime import timedelta

from app.work.service import now
from app.work.tables import ServiceRequest, WorkEvent, WorkOrder, WorkOrderMaterial
from tests.api.work.conftest import issue, step, take_request


async def _material_ids(office_id: int) -> list[int]:
    from app.work.tables import StoreMaterial

    rows = (
        await StoreMaterial.select(StoreMaterial.id).where(StoreMaterial.office == office_id).order_by(StoreMaterial.id)
    )
    return [r["id"] for r in rows]


async def test_w2_issue_dispatches_to_the_technician_with_the_category_due_time(people):
    """W2, W4: the order is numbered per office, dispatched, and due by the category's standard time."""
    desk, tech = people["frontdesk"], people["tech"]
    first = await issue(desk, await take_request(desk, people["office"], "一号单"), tech)
    second = await issue(desk, await take_request(desk, people["office"], "二号单"), None)
    rows = {
        str(r["id"]): r
        for r in await WorkOrder.select().where(WorkOrder.id.is_in([uuid.UUID(first), uuid.UUID(second)]))
    }
    assert rows[first]["state"] == "dispatched" and rows[first]["assignee"] == tech.id
    assert rows[second]["state"] == "queued" and rows[second]["assignee"] is None  # the lead's queue
    assert rows[second]["seq"] == rows[first]["seq"] + 1
    request = await ServiceRequest.select().where(ServiceRequest.id == rows[first]["request"]).first()
    assert request["state"] == "ordered"
    assert rows[first]["standard_hours"] == 24  # plumbing default
    assert rows[first]["due_at"] - request["recorded_at"] == timedelta(hours=24)
    # The technician sees it on their list and home page (W2: notified).
    html = (await tech.client.get("/work/orders?view=mine")).text
    assert "一号单" in html and "二号单" not in html
    assert "一号单" in (await tech.client.get("/")).text
    # A second order for the same request is refused with its number.
    again = await desk.send("work_order.issue", {"request_id": str(rows[first]["request"]), "assignee_id": tech.id})
    assert again["status"] == "rejected" and again["error"]["code"] == "already_ordered"


async def test_only_repairs_become_orders_and_only_to_technicians_of_the_office(people, other_office, make_staff):
    desk = people["frontdesk"]
    help_id = await take_request(desk, people["office"], "咨询停车", kind="consultation", category="")
    result = await desk.send("work_order.issue", {"request_id": help_id})
    assert result["status"] == "rejected" and result["error"]["code"] == "not_repair"
    repair_id = await take_request(desk, people["office"])
    result = await desk.send("work_order.issue", {"request_id": repair_id, "assignee_id": people["supervisor"].id})
    assert result["error"]["code"] == "bad_assignee" and result["error"]["field"] == "assignee_id"
    outsider = await make_staff(other_office["id"], "technician")
    result = await desk.send("work_order.issue", {"request_id": repair_id, "assignee_id": outsider["id"]})
    assert result["error"]["code"] == "bad_assignee"
    result = await people["tech"].send("work_order.issue", {"request_id": repair_id})
    assert result["error"]["code"] == "forbidden"


async def test_technician_accepts_arrives_draws_materials_completes_with_signature(people):
    """W2, W3, W7, C4: the whole flow from the phone; the signature is a PNG attachment with its time;
    the owner sees the completed order and signature; history says who, what, when and from which phone."""
    desk, tech = people["frontdesk"], people["tech"]
    request_id = await take_request(desk, people["office"], "卫生间角阀滴水")
    order_id = await issue(desk, request_id, tech)
    materials = await _material_ids(people["office"]["id"])
    signature = await tech.upload_png("sig")
    results = [
        await tech.send("work_order.accept", step(order_id, "dispatched", tech), device_id="phone-of-tech"),
        await tech.send("work_order.arrive", step(order_id, "accepted", tech, note="到场")),
        await tech.send(
            "work_order.add_materials",
            {
                "order_id": order_id,
                "expected_state": "arrived",
                "lines": [
                    {"material_id": materials[1], "quantity": "1"},
                    {"material_id": materials[3], "quantity": "2.5"},
                ],
            },
        ),
        await tech.send(
            "work_order.complete",
            step(order_id, "arrived", tech, note="更换角阀", signature=signature, signed_by="住户"),
            device_id="phone-of-tech",
        ),
    ]
    assert [r["status"] for r in results] == ["applied"] * 4, results
    order = await WorkOrder.select().where(WorkOrder.id == uuid.UUID(order_id)).first()
    assert order["state"] == "completed" and order["signature"] == signature
    assert order["signed_at"] is not None and order["signed_by"] == "住户"
    drawn = await WorkOrderMaterial.select().where(WorkOrderMaterial.work_order == uuid.UUID(order_id))
    assert sorted(str(r["quantity"]) for r in drawn) in (["1", "2.5"], ["1.00", "2.50"])
    # 角阀 ¥18.00 × 1 + 生料带 ¥2.00 × 2.5 = ¥23.00, in fen, no float.
    assert sum(r["amount_fen"] for r in drawn) == 1800 + 500
    request = (
        await ServiceRequest.select(ServiceRequest.state).where(ServiceRequest.id == uuid.UUID(request_id)).first()
    )
    assert request["state"] == "completed"

    # The owner (first responder) sees it done, with the signature image, on the request page and home.
    page = (await desk.client.get(f"/work/requests/{request_id}")).text
    assert f"/api/attachments/{signature}" in page
    assert "已完成" in page
    image = await desk.client.get(f"/api/attachments/{signature}")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert "已完工，待关闭" in (await desk.client.get("/")).text

    # The order page: materials, signature, and the history with the phone it came from.
    order_page = (await desk.client.get(f"/work/orders/{order_id}")).text
    assert "角阀" in order_page and "¥23.00" in order_page
    kinds = [
        r["kind"]
        for r in await WorkEvent.select(WorkEvent.kind)
        .where(WorkEvent.request == uuid.UUID(request_id))
        .order_by(WorkEvent.recorded_at)
    ]
    assert kinds == ["created", "issued", "accepted", "arrived", "materials", "completed"]
    assert "手机 phone-of" in order_page


async def test_a_resent_completion_is_applied_once(people):
    """DESIGN "Sync API": the same mutation sent again answers `duplicate`; the order completes once."""
    desk, tech = people["frontdesk"], people["tech"]
    order_id = await issue(desk, await take_request(desk, people["office"]), tech)
    await tech.send("work_order.accept", step(order_id, "dispatched", tech))
    signature = await tech.upload_png()
    data = step(order_id, "accepted", tech, signature=signature)
    mutation_id, at = str(uuid.uuid4()), now()
    assert (await tech.send("work_order.complete", data, mutation_id, recorded_at=at))["status"] == "applied"
    assert (await tech.send("work_order.complete", data, mutation_id, recorded_at=at))["status"] == "duplicate"
    completed = await WorkEvent.count().where(
        (WorkEvent.work_order == uuid.UUID(order_id)) & (WorkEvent.kind == "completed")
    )
    assert completed == 1


async def test_w7_completion_needs_the_residents_signature_uploaded(people):
    desk, tech = people["frontdesk"], people["tech"]
    order_id = await issue(desk, await take_request(desk, people["office"]), tech)
    await tech.send("work_order.accept", step(order_id, "dispatched", tech))
    result = await tech.send("work_order.complete", step(order_id, "accepted", tech))
    assert result["error"]["code"] == "signature_required" and result["error"]["field"] == "signature"
    assert "签字" in result["error"]["message"]
    missing = "ab" * 32  # never uploaded
    result = await tech.send("work_order.complete", step(order_id, "accepted", tech, signature=missing))
    assert result["error"]["code"] == "signature_missing"
    assert (await WorkOrder.select(WorkOrder.state).where(WorkOrder.id == uuid.UUID(order_id)).first())[
        "state"
    ] == "accepted"


async def test_only_the_assignee_works_on_the_order(people):
    desk, tech, tech2 = people["frontdesk"], people["tech"], people["tech2"]
    order_id = await issue(desk, await take_request(desk, people["office"]), tech)
    # Another technician sending a change for an order that is not theirs.
    result = await tech2.send("work_order.accept", step(order_id, "dispatched", tech))
    assert result["status"] == "rejected" and result["error"]["code"] == "not_assignee"
    result = await desk.send("work_order.accept", step(order_id, "dispatched", tech))
    assert result["error"]["code"] == "forbidden"
    result = await tech.send("work_order.arrive", step(order_id, "dispatched", tech))
    assert result["error"]["code"] == "bad_transition"  # accept first


async def test_w5_cannot_fix_goes_to_the_lead_who_escalates_to_the_manager_until_solved(people):
    desk, tech, lead, manager = people["frontdesk"], people["tech"], people["lead"], people["manager"]
    request_id = await take_request(desk, people["office"], "外墙渗水需搭架")
    order_id = await issue(desk, request_id, tech)
    await tech.send("work_order.accept", step(order_id, "dispatched", tech))
    result = await tech.send(
        "work_order.cannot_fix", step(order_id, "accepted", tech, reason="需要外墙吊篮，工程部无设备")
    )
    assert result["status"] == "applied"
    lead_home = (await lead.client.get("/")).text
    assert "外墙渗水需搭架" in lead_home
    assert "外墙渗水需搭架" in (await lead.client.get("/work/orders?view=queue")).text
    # The lead cannot solve it either: to the manager (W5).
    result = await lead.send(
        "work_order.escalate", {"order_id": order_id, "expected_state": "cannot_fix", "note": "需外包"}
    )
    assert result["status"] == "applied"
    assert "外墙渗水需搭架" in (await manager.client.get("/")).text
    assert "外墙渗水需搭架" in (await manager.client.get("/work/orders?view=escalated")).text
    result = await tech.send("work_order.accept", step(order_id, "escalated", tech))
    assert result["error"]["code"] == "bad_transition"
    result = await manager.send(
        "work_order.resolve", {"order_id": order_id, "expected_state": "escalated", "note": "外包处理完毕"}
    )
    assert result["status"] == "applied"
    state = await ServiceRequest.select(ServiceRequest.state).where(ServiceRequest.id == uuid.UUID(request_id)).first()
    assert state["state"] == "completed"
    # The first responder closes it (C4).
    result = await desk.send("request.close", {"request_id": request_id, "note": "已电话告知业户"})
    assert result["status"] == "applied"
    assert "外墙渗水需搭架" not in (await desk.client.get("/work/requests?view=mine")).text


async def test_lead_dispatches_from_the_queue_and_the_plain_form_works_too(people):
    """W2: an order left in the lead's queue is dispatched; the form without JavaScript uses the same path."""
    desk, tech, lead = people["frontdesk"], people["tech"], people["lead"]
    order_id = await issue(desk, await take_request(desk, people["office"], "走廊灯不亮", category="electrical"), None)
    response = await lead.post(
        f"/work/orders/{order_id}/dispatch",
        {"expected_state": "queued", "assignee_id": str(tech.id), "note": "今天处理"},
    )
    assert response.status_code == 303
    order = (
        await WorkOrder.select(WorkOrder.state, WorkOrder.assignee).where(WorkOrder.id == uuid.UUID(order_id)).first()
    )
    assert order == {"state": "dispatched", "assignee": tech.id}
    # The technician accepts through the plain form; a stale second try answers 422 beside the form.
    response = await tech.post(
        f"/work/orders/{order_id}/accept", {"expected_state": "dispatched", "expected_assignee": str(tech.id)}
    )
    assert response.status_code == 303
    response = await tech.post(
        f"/work/orders/{order_id}/accept", {"expected_state": "dispatched", "expected_assignee": str(tech.id)}
    )
    assert response.status_code == 422
    assert "已接单" in response.text and 'role="alert"' in response.text

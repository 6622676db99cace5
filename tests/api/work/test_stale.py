"""Stale transitions (DESIGN "Conflicts"): a change made on an outdated view of the order is
rejected with a reason, and what it carried is kept as a comment on the order."""

from __future__ import annotations

import uuid

from app.work.service import now
from app.work.tables import WorkEvent, WorkOrder
from tests.api.work.conftest import issue, step, take_request


async def test_completing_an_order_reassigned_meanwhile_is_rejected_and_the_note_and_photos_kept(people):
    """The technician completes offline; meanwhile the lead reassigned the order to another technician.
    On sync the completion is rejected with who/when; the note and photos become a comment; a resend
    answers the same without a second comment; the other technician's order is untouched."""
    desk, tech, tech2, lead = people["frontdesk"], people["tech"], people["tech2"], people["lead"]
    order_id = await issue(desk, await take_request(desk, people["office"], "热水器不出热水"), tech)
    await tech.send("work_order.accept", step(order_id, "dispatched", tech))
    result = await lead.send(
        "work_order.dispatch", {"order_id": order_id, "expected_state": "accepted", "assignee_id": tech2.id}
    )
    assert result["status"] == "applied"

    photo, signature = await tech.upload_png("photo"), await tech.upload_png("signature")
    data = step(order_id, "accepted", tech, note="已更换温控器", photos=[photo], signature=signature)
    mutation_id, at = str(uuid.uuid4()), now()
    result = await tech.send("work_order.complete", data, mutation_id, recorded_at=at)
    assert result["status"] == "rejected" and result["error"]["code"] == "stale_state"
    message = result["error"]["message"]
    assert "改派" in message and "测试technician" in message and "备注" in message

    order = (
        await WorkOrder.select(WorkOrder.state, WorkOrder.assignee, WorkOrder.signature)
        .where(WorkOrder.id == uuid.UUID(order_id))
        .first()
    )
    assert order == {"state": "dispatched", "assignee": tech2.id, "signature": ""}
    comments = (
        await WorkEvent.select()
        .where((WorkEvent.work_order == uuid.UUID(order_id)) & (WorkEvent.kind == "comment"))
        .output(load_json=True)
    )
    assert len(comments) == 1
    assert comments[0]["note"] == "已更换温控器" and comments[0]["photos"] == [photo]
    assert comments[0]["staff"] == tech.id and comments[0]["reason"] == message
    assert comments[0]["details"]["type"] == "work_order.complete"

    again = await tech.send("work_order.complete", data, mutation_id, recorded_at=at)
    assert again["status"] == "rejected" and again["error"]["message"] == message
    assert (
        await WorkEvent.count().where((WorkEvent.work_order == uuid.UUID(order_id)) & (WorkEvent.kind == "comment"))
        == 1
    )
    # The comment is on the order page for everyone to read, with the reason.
    page = (await lead.client.get(f"/work/orders/{order_id}")).text
    assert "已更换温控器" in page and f"/api/attachments/{photo}" in page
    # The new technician carries on normally.
    assert (await tech2.send("work_order.accept", step(order_id, "dispatched", tech2)))["status"] == "applied"


async def test_a_state_change_from_an_old_view_says_what_it_saw_and_what_it_is_now(people):
    """An "on site" sent again from a second phone that still shows the order as accepted is refused."""
    desk, tech = people["frontdesk"], people["tech"]
    order_id = await issue(desk, await take_request(desk, people["office"], "门禁卡失灵", category="doors_locks"), tech)
    await tech.send("work_order.accept", step(order_id, "dispatched", tech))
    await tech.send("work_order.arrive", step(order_id, "accepted", tech, note="到场"))
    result = await tech.send("work_order.arrive", step(order_id, "accepted", tech, note="第二次到场"))
    assert result["error"]["code"] == "stale_state"
    assert "“已接单”" in result["error"]["message"] and "“已到场”" in result["error"]["message"]
    assert (
        await WorkEvent.count().where(
            (WorkEvent.work_order == uuid.UUID(order_id))
            & (WorkEvent.kind == "comment")
            & (WorkEvent.note == "第二次到场")
        )
        == 1
    )


async def test_materials_drawn_are_facts_and_never_conflict(people):
    """W3: a drawing from the store is recorded even when the order moved on meanwhile."""
    from app.work.tables import StoreMaterial, WorkOrderMaterial

    desk, tech, lead = people["frontdesk"], people["tech"], people["lead"]
    order_id = await issue(desk, await take_request(desk, people["office"], "换灯泡", category="electrical"), tech)
    material = (
        await StoreMaterial.select(StoreMaterial.id).where(StoreMaterial.office == people["office"]["id"]).first()
    )
    await lead.send("work_order.dispatch", {"order_id": order_id, "expected_state": "dispatched", "assignee_id": None})
    result = await tech.send(
        "work_order.add_materials",
        {
            "order_id": order_id,
            "expected_state": "dispatched",
            "lines": [{"material_id": material["id"], "quantity": 1}],
        },
    )
    assert result["status"] == "applied"
    assert await WorkOrderMaterial.count().where(WorkOrderMaterial.work_order == uuid.UUID(order_id)) == 1
    bad = await tech.send(
        "work_order.add_materials",
        {"order_id": order_id, "expected_state": "queued", "lines": [{"material_id": material["id"], "quantity": "0"}]},
    )
    assert bad["error"]["code"] == "bad_quantity"

"""Paid services (SPEC S1–S3): charges from the office's price list, agreed by the resident before
work starts, never cash to the technician, and the slip in four labelled copies."""

from __future__ import annotations

import re
import uuid

from app.work.tables import PriceItem, WorkOrder, WorkOrderCharge
from tests.api.work.conftest import issue, step, take_request, zh


async def _prices(office_id: int) -> dict[str, dict]:
    return {r["name"]: r for r in await PriceItem.select().where(PriceItem.office == office_id)}


async def _paid_order(people, text: str = "更换厨房水龙头（有偿）") -> str:
    desk, tech = people["frontdesk"], people["tech"]
    order_id = await issue(desk, await take_request(desk, people["office"], text), tech, paid=1)
    assert (await tech.send("work_order.accept", step(order_id, "dispatched", tech)))["status"] == "applied"
    return order_id


async def test_s1_s2_charges_from_the_price_list_agreed_then_completed(people):
    tech = people["tech"]
    order_id = await _paid_order(people)
    prices = await _prices(people["office"]["id"])
    labour, tap = prices["更换水龙头（人工）"], prices["水龙头"]
    # S1: a paid order cannot be completed before the resident agreed to the charges.
    signature = await tech.upload_png()
    result = await tech.send("work_order.complete", step(order_id, "accepted", tech, signature=signature))
    assert result["error"]["code"] == "charges_not_agreed"
    lines = [{"price_item_id": labour["id"], "quantity": "1"}, {"price_item_id": tap["id"], "quantity": "2"}]
    result = await tech.send(
        "work_order.charges",
        step(order_id, "accepted", tech, lines=lines, payment_method="bank_collection", resident_agreed=True),
    )
    assert result["status"] == "applied", result
    order = await WorkOrder.select().where(WorkOrder.id == uuid.UUID(order_id)).first()
    assert order["charges_total_fen"] == 3000 + 2 * 3500 and order["payment_method"] == "bank_collection"
    assert order["charges_agreed_at"] is not None and order["paid"] is True
    charges = await WorkOrderCharge.select().where(WorkOrderCharge.work_order == uuid.UUID(order_id))
    assert sorted(c["amount_fen"] for c in charges) == [3000, 7000]
    result = await tech.send("work_order.complete", step(order_id, "accepted", tech, signature=signature))
    assert result["status"] == "applied"


async def test_s2_cash_to_the_technician_is_refused_in_the_mutation_and_in_the_form(people):
    tech = people["tech"]
    order_id = await _paid_order(people, "疏通下水道（有偿）")
    item = (await _prices(people["office"]["id"]))["疏通下水道（人工）"]
    lines = [{"price_item_id": item["id"], "quantity": "1"}]
    result = await tech.send(
        "work_order.charges", step(order_id, "accepted", tech, lines=lines, payment_method="cash", resident_agreed=True)
    )
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "cash_refused" and result["error"]["field"] == "payment_method"
    assert "不得收取现金" in result["error"]["message"]
    # The plain form: 422, the message beside the payment field, nothing stored.
    response = await tech.post(
        f"/work/orders/{order_id}/charges",
        {
            "expected_state": "accepted",
            "expected_assignee": str(tech.id),
            f"qty_{item['id']}": "1",
            "payment_method": "cash",
            "resident_agreed": "true",
        },
    )
    assert response.status_code == 422
    assert 'value="cash"' not in response.text  # never offered as a choice, only refused if sent
    beside = re.search(r'id="e-charges-payment_method"[^>]*>([^<]*)<', response.text)
    assert beside and "不得收取现金" in beside.group(1)
    assert await WorkOrderCharge.count().where(WorkOrderCharge.work_order == uuid.UUID(order_id)) == 0
    # S1: the resident's agreement is required; an unknown method is refused too.
    result = await tech.send(
        "work_order.charges",
        step(order_id, "accepted", tech, lines=lines, payment_method="at_centre", resident_agreed=False),
    )
    assert result["error"]["code"] == "agreement_required"
    result = await tech.send(
        "work_order.charges",
        step(order_id, "accepted", tech, lines=lines, payment_method="wechat", resident_agreed=True),
    )
    assert result["error"]["code"] == "payment_method"


async def test_s3_the_slip_prints_four_labelled_copies_with_the_totals(people):
    tech, desk = people["tech"], people["frontdesk"]
    order_id = await _paid_order(people, "更换门锁锁芯（有偿）")
    prices = await _prices(people["office"]["id"])
    lines = [
        {"price_item_id": prices["更换锁芯（人工）"]["id"], "quantity": "1"},
        {"price_item_id": prices["锁芯"]["id"], "quantity": "1.5"},
    ]
    result = await tech.send(
        "work_order.charges",
        step(order_id, "accepted", tech, lines=lines, payment_method="at_centre", resident_agreed=True),
    )
    assert result["status"] == "applied"
    signature = await tech.upload_png()
    await tech.send("work_order.complete", step(order_id, "accepted", tech, signature=signature, signed_by="王芳"))

    response = await desk.client.get(f"/work/orders/{order_id}/slip")
    assert response.status_code == 200
    html = response.text
    copies = re.findall(r'<section class="slip-copy" data-copy="(\d)" data-copy-kind="(\w+)">', html)
    assert copies == [("1", "service_centre"), ("2", "engineering"), ("3", "voucher"), ("4", "resident")]
    sections = html.split('<section class="slip-copy"')[1:]
    expected_labels = [
        zh("Copy 1 · Service centre (stub)"),
        zh("Copy 2 · Engineering"),
        zh("Copy 3 · Service centre · Billing voucher"),
        zh("Copy 4 · Resident"),
    ]
    assert "收费凭证" in expected_labels[2]
    for section, label in zip(sections, expected_labels, strict=True):
        assert f'<span class="copy-label">{label}</span>' in section
        # 锁芯人工 ¥30.00 + 锁芯 ¥60.00 × 1.5 = ¥90.00 → ¥120.00
        assert '<td class="amount" data-total="labour">¥30.00</td>' in section
        assert '<td class="amount" data-total="materials">¥90.00</td>' in section
        assert '<td class="amount" data-total="total">¥120.00</td>' in section
        assert zh("Payment at the service centre") in section
        assert f"/api/attachments/{signature}" in section
    assert html.count("更换门锁锁芯（有偿）") == 4
    assert "@media print" not in html  # print rules live in the stylesheet
    css = (await desk.client.get("/static/css/app.css")).text
    assert ".slip-page .slip-copy { page-break-after: always" in css


async def test_charges_need_items_of_this_office_once_each(people, other_office):
    from app.work.service import seed_office_defaults

    tech = people["tech"]
    order_id = await _paid_order(people, "换灯（有偿）")
    await seed_office_defaults(other_office["id"])
    foreign = (await _prices(other_office["id"]))["LED灯泡"]
    result = await tech.send(
        "work_order.charges",
        step(
            order_id,
            "accepted",
            tech,
            lines=[{"price_item_id": foreign["id"], "quantity": "1"}],
            payment_method="at_centre",
            resident_agreed=True,
        ),
    )
    assert result["error"]["code"] == "price_item_not_found"
    own = (await _prices(people["office"]["id"]))["LED灯泡"]
    twice = [{"price_item_id": own["id"], "quantity": "1"}, {"price_item_id": own["id"], "quantity": "2"}]
    result = await tech.send(
        "work_order.charges",
        step(order_id, "accepted", tech, lines=twice, payment_method="at_centre", resident_agreed=True),
    )
    assert result["error"]["code"] == "duplicate_line"

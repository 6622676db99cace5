"""The technician's phone (W2, W3, W5, W7, S1, S2): accept, arrive, materials, charges, complete
with the resident's signature, cannot fix — offline included. Each change names the state and the
assignee it expects; a stale one is rejected and its note and photos kept (DESIGN "Conflicts")."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from app.attachments.service import exists_for_office
from app.errors import RuleViolation
from app.i18n import _
from app.sync.registry import ApplyContext
from app.work import _notify
from app.work._common import (
    ASSIGNABLE_ROLES,
    CASH,
    PAYMENT_METHODS,
    check_quantity,
    line_amount,
    quantity_text,
    require,
    when_it_happened,
)
from app.work._orders import log_event, order_for_change, set_state, stale_change
from app.work._requests import check_photos
from app.work.schemas import (
    WorkOrderAccept,
    WorkOrderAddMaterials,
    WorkOrderArrive,
    WorkOrderCannotFix,
    WorkOrderCharges,
    WorkOrderComplete,
)
from app.work.tables import PriceItem, ServiceRequest, StoreMaterial, WorkOrder, WorkOrderCharge, WorkOrderMaterial


async def _technician_change(
    ctx: ApplyContext,
    m: Any,
    allowed_from: tuple[str, ...],
    wrong_state: str,
    note: str = "",
    photos: list[str] | None = None,
    details: dict | None = None,
) -> tuple[dict, datetime]:
    """The checks every change from the technician's phone makes, in order: role, the order, its
    assignee, stale view (kept as a comment), then whether the change fits the state."""
    staff, data = ctx.staff, m.data
    require(staff, ASSIGNABLE_ROLES, _("Only technicians work on orders."))
    order = await order_for_change(ctx, data.order_id)
    if data.expected_assignee != staff.id:
        raise RuleViolation("not_assignee", _("This work order is assigned to someone else."))
    at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    if stale := stale_change(ctx, m, order, data.expected_state, data.expected_assignee, at, note, photos, details):
        raise stale
    if order["state"] not in allowed_from:
        raise RuleViolation("bad_transition", wrong_state)
    return order, at


async def apply_accept(ctx: ApplyContext, m: WorkOrderAccept) -> None:
    """`work_order.accept` (W2)."""
    note = m.data.note.strip()
    order, at = await _technician_change(ctx, m, ("dispatched",), _("Only a dispatched order is accepted."), note)
    await set_state(ctx, order["id"], "accepted", at, accepted_at=at)
    await log_event(ctx, m, order, "accepted", "accepted", at, note=note)


async def apply_arrive(ctx: ApplyContext, m: WorkOrderArrive) -> None:
    """`work_order.arrive`: on site."""
    data = m.data
    note = data.note.strip()
    await check_photos(ctx.staff.office_id, list(data.photos))
    order, at = await _technician_change(ctx, m, ("accepted",), _("Accept the order first."), note, list(data.photos))
    await set_state(ctx, order["id"], "arrived", at, arrived_at=at)
    await log_event(ctx, m, order, "arrived", "arrived", at, note=note, photos=list(data.photos))


async def apply_add_materials(ctx: ApplyContext, m: WorkOrderAddMaterials) -> None:
    """`work_order.add_materials` (W3): materials drawn from the store, priced from the office's
    materials list. Append-only: a drawing happened whatever the order's state, so it never conflicts."""
    staff, data = ctx.staff, m.data
    require(staff, ASSIGNABLE_ROLES, _("Only technicians draw materials."))
    order = await order_for_change(ctx, data.order_id)
    ids = {line.material_id for line in data.lines}
    found = {
        r["id"]: r
        for r in await StoreMaterial.select().where(
            StoreMaterial.id.is_in(list(ids)) & (StoreMaterial.office == staff.office_id)
        )
    }
    if ids - found.keys():
        raise RuleViolation("material_not_found", _("That material is not in your office's list."), field="lines")
    at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    rows, lines = [], []
    for line in data.lines:
        material = found[line.material_id]
        quantity = check_quantity(line.quantity, "lines")
        amount = line_amount(quantity, material["price_fen"])
        rows.append(
            WorkOrderMaterial(
                id=uuid.uuid4(),
                office=staff.office_id,
                work_order=order["id"],
                material=material["id"],
                name=material["name"],
                unit=material["unit"],
                quantity=quantity,
                unit_price_fen=material["price_fen"],
                amount_fen=amount,
                staff=staff.id,
                recorded_at=at,
            )
        )
        lines.append({"name": material["name"], "unit": material["unit"], "quantity": quantity_text(quantity)})
    await WorkOrderMaterial.insert(*rows)
    await log_event(ctx, m, order, "materials", order["state"], at, note=data.note.strip(), details={"lines": lines})


async def apply_charges(ctx: ApplyContext, m: WorkOrderCharges) -> None:
    """`work_order.charges` (S1, S2): charge lines from the office's price list, agreed by the resident
    before work starts, paid by bank collection or at the centre — never in cash to the technician."""
    staff, data = ctx.staff, m.data
    if data.payment_method == CASH:
        raise RuleViolation(
            "cash_refused",
            _("Technicians may not take cash. Choose bank collection or payment at the service centre."),
            field="payment_method",
        )
    if data.payment_method not in PAYMENT_METHODS:
        raise RuleViolation(
            "payment_method", _("Choose bank collection or payment at the service centre."), field="payment_method"
        )
    if not data.resident_agreed:
        raise RuleViolation(
            "agreement_required",
            _("The resident must agree to the amount before work starts."),
            field="resident_agreed",
        )
    ids = {line.price_item_id for line in data.lines}
    items = {
        r["id"]: r
        for r in await PriceItem.select().where(
            PriceItem.id.is_in(list(ids)) & (PriceItem.office == staff.office_id) & PriceItem.active.eq(True)
        )
    }
    if ids - items.keys():
        raise RuleViolation("price_item_not_found", _("That item is not on your office's price list."), field="lines")
    if len(ids) != len(data.lines):
        raise RuleViolation("duplicate_line", _("Each price-list item once, with its quantity."), field="lines")
    lines = []
    for line in data.lines:
        item = items[line.price_item_id]
        quantity = check_quantity(line.quantity, "lines")
        lines.append((item, quantity, line_amount(quantity, item["price_fen"])))
    total = sum(amount for _item, _q, amount in lines)
    note = data.note.strip()
    summary = {
        "lines": [{"name": i["name"], "quantity": quantity_text(q), "amount_fen": a} for i, q, a in lines],
        "total_fen": total,
        "payment_method": data.payment_method,
    }
    order, at = await _technician_change(
        ctx, m, ("accepted", "arrived"), _("Accept the order first."), note, details=summary
    )
    await WorkOrderCharge.delete().where(WorkOrderCharge.work_order == order["id"])
    await WorkOrderCharge.insert(
        *[
            WorkOrderCharge(
                office=staff.office_id,
                work_order=order["id"],
                price_item=item["id"],
                position=position,
                name=item["name"],
                unit=item["unit"],
                kind=item["kind"],
                quantity=quantity,
                unit_price_fen=item["price_fen"],
                amount_fen=amount,
            )
            for position, (item, quantity, amount) in enumerate(lines)
        ]
    )
    await WorkOrder.update(
        {
            WorkOrder.paid: True,
            WorkOrder.payment_method: data.payment_method,
            WorkOrder.charges_total_fen: total,
            WorkOrder.charges_agreed_at: at,
            WorkOrder.changed_at: at,
            WorkOrder.changed_by: staff.id,
        }
    ).where(WorkOrder.id == order["id"])
    await log_event(ctx, m, order, "charges", order["state"], at, note=note, details=summary)


async def apply_complete(ctx: ApplyContext, m: WorkOrderComplete) -> None:
    """`work_order.complete` (W7): done, signed by the resident on the screen; the signature is a
    PNG attachment of the office, stored with the time it was drawn."""
    staff, data = ctx.staff, m.data
    note = data.note.strip()
    if not data.signature:
        raise RuleViolation("signature_required", _("The resident signs on the screen."), field="signature")
    if not await exists_for_office(data.signature, staff.office_id):
        raise RuleViolation(
            "signature_missing",
            _("The signature has not reached the server. Sync again when there is signal."),
            field="signature",
        )
    await check_photos(staff.office_id, list(data.photos))
    order, at = await _technician_change(
        ctx,
        m,
        ("accepted", "arrived"),
        _("Accept the order first."),
        note,
        list(data.photos),
        details={"signature": data.signature, "signed_by": data.signed_by.strip()},
    )
    if order["paid"] and order["charges_agreed_at"] is None:
        raise RuleViolation(
            "charges_not_agreed",
            _("A paid service needs its charges agreed by the resident before it is completed."),
        )
    await set_state(
        ctx,
        order["id"],
        "completed",
        at,
        completed_at=at,
        completion_note=note,
        completion_photos=list(data.photos),
        signature=data.signature,
        signed_at=at,
        signed_by=data.signed_by.strip(),
    )
    await ServiceRequest.update({ServiceRequest.state: "completed", ServiceRequest.changed_at: at}).where(
        (ServiceRequest.id == order["request"]) & (ServiceRequest.state == "ordered")
    )
    await log_event(
        ctx,
        m,
        order,
        "completed",
        "completed",
        at,
        note=note,
        photos=list(data.photos),
        details={"signature": data.signature, "signed_by": data.signed_by.strip()},
    )


async def apply_cannot_fix(ctx: ApplyContext, m: WorkOrderCannotFix) -> None:
    """`work_order.cannot_fix` (W5): to the engineering lead, with the reason (and photos); the lead is
    alerted until someone answers, then the manager."""
    data = m.data
    reason = data.reason.strip()
    if not reason:
        raise RuleViolation("reason_required", _("Say why it cannot be fixed."), field="reason")
    await check_photos(ctx.staff.office_id, list(data.photos))
    order, at = await _technician_change(
        ctx,
        m,
        ("dispatched", "accepted", "arrived"),
        _("This order is not open for work."),
        reason,
        list(data.photos),
    )
    await set_state(ctx, order["id"], "cannot_fix", at, problem=reason)
    await log_event(ctx, m, order, "cannot_fix", "cannot_fix", at, note=reason, photos=list(data.photos))
    await _notify.cannot_fix(ctx, m.id, order["id"], reason)

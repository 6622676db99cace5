"""Who hears of a work order (W2, W5): the technician it is issued or dispatched to (the engineering
lead for the queue), the engineering lead when it cannot be fixed, the manager when it is escalated.

Raised through app.alerts inside the sync batch's transaction, so a rejected change sends nothing.
Each alert's source is the change that caused it: a resend is one alert, while an order given back
to someone later (A → B → A) or reported unfixable a second time is heard of again.
"""

from __future__ import annotations

from uuid import UUID

from app.alerts.service import acknowledge, open_alerts_from, raise_alert
from app.errors import RuleViolation, check_found
from app.i18n import _
from app.sync.registry import ApplyContext
from app.work._common import aware, category_label, tz_of
from app.work.tables import WorkOrder

# W5: alerts that stay open until the engineering lead or the manager takes the order's next step.
ANSWERED_BY_NEXT_STEP = ["work_order_cannot_fix", "work_order_escalated"]


async def _order(order_id: UUID) -> dict:
    return check_found(
        await WorkOrder.select(
            WorkOrder.id,
            WorkOrder.office,
            WorkOrder.seq,
            WorkOrder.category,
            WorkOrder.appointment_at,
            WorkOrder.request.description.as_alias("description"),
            WorkOrder.request.location.as_alias("location"),
            WorkOrder.request.urgent.as_alias("urgent"),
            WorkOrder.request.unit.number.as_alias("unit_number"),  # type: ignore[union-attr]
            WorkOrder.request.unit.building.name.as_alias("building_name"),  # type: ignore[union-attr]
        )
        .where(WorkOrder.id == order_id)
        .first()
    )


def _title(order: dict) -> str:
    """No.000012 Plumbing · 1栋 101 (urgent ones say so first)."""
    unit = " ".join(p for p in (order["building_name"], order["unit_number"]) if p)
    where = " · ".join(p for p in (unit, order["location"]) if p)
    title = f"No.{order['seq']:06d} {category_label(order['category'])}" + (f" · {where}" if where else "")
    return f"{_('Urgent')} · {title}" if order["urgent"] else title


async def _raise(ctx: ApplyContext, change_id: UUID, order: dict, kind: str, body: str, **people) -> None:
    await raise_alert(
        office_id=order["office"],
        kind=kind,
        title=_title(order),
        body=body[:500],
        url=f"/work/orders/{order['id']}",
        raised_by=ctx.staff.id,
        source=f"work_order:{order['id']}:{change_id}",
        now=ctx.received_at,
        **people,
    )


async def assigned(ctx: ApplyContext, change_id: UUID, order_id: UUID, assignee_id: int | None) -> None:
    """W2: the technician an order is issued or dispatched to is notified; left in the queue, the
    engineering lead(s). Nobody is notified of their own step (a lead taking it, or queueing it)."""
    if assignee_id == ctx.staff.id or (assignee_id is None and ctx.staff.role == "engineering_lead"):
        return
    order = await _order(order_id)
    lines = [order["description"]]
    if order["appointment_at"]:
        local = aware(order["appointment_at"]).astimezone(tz_of(ctx.staff)).strftime("%m-%d %H:%M")
        lines.append(_("Appointment: %(t)s", t=local))
    if assignee_id is None:
        lines.insert(0, _("In your queue: dispatch it to a technician."))
        people: dict = {"roles": ["engineering_lead"]}
    else:
        people = {"recipients": [assignee_id]}
    await _raise(ctx, change_id, order, "work_order_assigned", "\n".join(lines), **people)


async def cannot_fix(ctx: ApplyContext, change_id: UUID, order_id: UUID, reason: str) -> None:
    """W5: reported to the engineering lead (then the manager) and open until someone answers."""
    body = _("%(name)s cannot fix it: %(reason)s", name=ctx.staff.display_name, reason=reason)
    await _raise(ctx, change_id, await _order(order_id), "work_order_cannot_fix", body)


async def escalated(ctx: ApplyContext, change_id: UUID, order_id: UUID, note: str) -> None:
    """W5: the engineering lead escalates to the manager, who sees it through until it is solved."""
    body = _("Escalated by %(name)s: %(note)s", name=ctx.staff.display_name, note=note)
    await _raise(ctx, change_id, await _order(order_id), "work_order_escalated", body)


async def answered(ctx: ApplyContext, order_id: UUID, note: str) -> None:
    """W5: the next step on the order (dispatch, escalate, resolve) answers its open cannot-fix or
    escalation alert, so the ladder does not call the manager about what is already in hand."""
    for alert_id in await open_alerts_from(ctx.staff.office_id, ANSWERED_BY_NEXT_STEP, f"work_order:{order_id}:"):
        try:
            await acknowledge(ctx.staff, alert_id, note, now=ctx.received_at)
        except RuleViolation:  # not sent to this person (e.g. the lead, for the manager's alert): it stays open
            continue

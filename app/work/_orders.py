"""Work orders (W2, W4, W5): issued from a repair request and due by its category's standard time,
dispatched or reassigned, escalated to the manager until solved; and the helpers every order change
shares. The technician's own steps are in `_technician`; who is notified of each step, in `_notify`.

Each state change names the state (and, on the technician's phone, the assignee) it expects; when
the order has moved on, the change is rejected with a reason and its note and photos are kept as a
comment on the order (DESIGN "Conflicts").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from app.auth import directory
from app.errors import RuleViolation, StaleChange
from app.i18n import _
from app.sync.registry import ApplyContext
from app.work import _notify
from app.work._common import (
    ASSIGNABLE_ROLES,
    DISPATCHERS,
    DONE_ORDER_STATES,
    ESCALATORS,
    ISSUERS,
    ORDER_STATES,
    RESOLVERS,
    aware,
    due_time,
    require,
    tz_of,
    when_it_happened,
)
from app.work._requests import event, parse_local
from app.work._settings import category_settings
from app.work.schemas import (
    WorkOrderDispatch,
    WorkOrderEscalate,
    WorkOrderIssue,
    WorkOrderResolve,
)
from app.work.tables import (
    ServiceRequest,
    WorkEvent,
    WorkOrder,
)


def _label(state: str) -> str:
    return str(ORDER_STATES.get(state, state))


async def _assignee(office_id: int, assignee_id: int | None) -> dict | None:
    """The technician an order goes to: active, of this office, a technician or the engineering lead."""
    if assignee_id is None:
        return None
    found = await directory.staff_of_office(office_id, ids=[assignee_id])
    row = {"id": found[0].id, "display_name": found[0].display_name, "role": found[0].role} if found else None
    if row is None or row["role"] not in ASSIGNABLE_ROLES:
        raise RuleViolation(
            "bad_assignee", _("Choose a technician of your office (or the engineering lead)."), field="assignee_id"
        )
    return row


async def order_for_change(ctx: ApplyContext, order_id: UUID) -> dict:
    row = (
        await WorkOrder.select(
            WorkOrder.id,
            WorkOrder.request,
            WorkOrder.seq,
            WorkOrder.state,
            WorkOrder.assignee,
            WorkOrder.paid,
            WorkOrder.charges_agreed_at,
            WorkOrder.changed_at,
            WorkOrder.changed_by.display_name.as_alias("changed_by_name"),
            WorkOrder.assignee.display_name.as_alias("assignee_name"),
        )
        .where((WorkOrder.id == order_id) & (WorkOrder.office == ctx.staff.office_id))
        .first()
    )
    if row is None:
        raise RuleViolation("order_not_found", _("This work order is not on the server (or not in your office)."))
    return row


def stale_change(
    ctx: ApplyContext,
    m: Any,
    order: dict,
    expected_state: str,
    expected_assignee: int | None,
    recorded_at: datetime,
    note: str = "",
    photos: list[str] | None = None,
    details: dict | None = None,
) -> StaleChange | None:
    """The rejection of a change made on an outdated view of the order, or None when it is current.
    What the change carried is kept as a comment on the order."""
    moved = order["state"] != expected_state
    reassigned = expected_assignee is not None and order["assignee"] != expected_assignee
    if not moved and not reassigned:
        return None
    changed = aware(order["changed_at"]).astimezone(tz_of(ctx.staff)).strftime("%m-%d %H:%M")
    who = order["changed_by_name"] or "?"
    if reassigned:
        reason = _(
            "Not applied: this order was reassigned to %(assignee)s by %(who)s at %(time)s. "
            "Your note and photos are kept as a comment on the order.",
            assignee=order["assignee_name"] or _("the engineering lead's queue"),
            who=who,
            time=changed,
        )
    else:
        reason = _(
            "Not applied: you saw this order as “%(expected)s”, but it is now “%(state)s” "
            "(changed by %(who)s at %(time)s). Your note and photos are kept as a comment on the order.",
            expected=_label(expected_state),
            state=_label(order["state"]),
            who=who,
            time=changed,
        )
    kept = {"type": m.__struct_config__.tag, **(details or {})}

    async def keep() -> None:
        await WorkEvent.insert(
            event(
                ctx,
                order["request"],
                "comment",
                id=m.id,
                work_order=order["id"],
                from_state=order["state"],
                to_state=order["state"],
                note=note,
                photos=list(photos or []),
                details=kept,
                reason=reason,
                recorded_at=recorded_at,
            )
        )

    return StaleChange(reason, keep=keep)


async def set_state(ctx: ApplyContext, order_id: UUID, state: str, at: datetime, **values: Any) -> None:
    columns = {getattr(WorkOrder, key): value for key, value in values.items()}
    await WorkOrder.update(
        {WorkOrder.state: state, WorkOrder.changed_at: at, WorkOrder.changed_by: ctx.staff.id, **columns}
    ).where(WorkOrder.id == order_id)


async def log_event(
    ctx: ApplyContext, m: Any, order: dict, kind: str, to_state: str, at: datetime, **values: Any
) -> None:
    await WorkEvent.insert(
        event(
            ctx,
            order["request"],
            kind,
            id=m.id,
            work_order=order["id"],
            from_state=order["state"],
            to_state=to_state,
            recorded_at=at,
            **values,
        )
    )


# --- the service centre and the engineering lead ------------------------------------------------------


async def apply_issue(ctx: ApplyContext, m: WorkOrderIssue) -> None:
    """`work_order.issue` (W2): a repair request becomes a work order, dispatched to a technician or
    left in the engineering lead's queue, due by its category's standard time (W4). The technician
    (for the queue, the engineering lead) is notified (W2)."""
    staff, data = ctx.staff, m.data
    require(staff, ISSUERS, _("Your role does not issue work orders."))
    request = (
        await ServiceRequest.select(
            ServiceRequest.id,
            ServiceRequest.kind,
            ServiceRequest.category,
            ServiceRequest.state,
            ServiceRequest.recorded_at,
            ServiceRequest.appointment_at,
        )
        .where((ServiceRequest.id == data.request_id) & (ServiceRequest.office == staff.office_id))
        .first()
    )
    if request is None:
        raise RuleViolation("request_not_found", _("This request is not on the server (or not in your office)."))
    if request["kind"] != "repair":
        raise RuleViolation("not_repair", _("Only repair requests become work orders."))
    existing = await WorkOrder.select(WorkOrder.seq).where(WorkOrder.request == data.request_id).first()
    if existing is not None:
        raise RuleViolation("already_ordered", _("This request already has work order No. %(n)s.", n=existing["seq"]))
    if request["state"] != "open":
        raise RuleViolation("request_closed", _("This request is closed."))
    if await WorkOrder.exists().where(WorkOrder.id == m.id):
        raise RuleViolation("id_reused", _("This change id was already used for different content."))
    assignee = await _assignee(staff.office_id, data.assignee_id)
    appointment = parse_local(data.appointment_at, tz_of(staff), "appointment_at") or request["appointment_at"]
    issued_at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    hours = (await category_settings(staff.office_id))[request["category"]]["standard_hours"]
    last = (
        await WorkOrder.select(WorkOrder.seq)
        .where(WorkOrder.office == staff.office_id)
        .order_by(WorkOrder.seq, ascending=False)
        .first()
    )
    seq = (last["seq"] if last else 0) + 1
    state = "dispatched" if assignee else "queued"
    await WorkOrder.insert(
        WorkOrder(
            id=m.id,
            office=staff.office_id,
            seq=seq,
            request=data.request_id,
            category=request["category"],
            paid=bool(data.paid),
            state=state,
            assignee=assignee["id"] if assignee else None,
            issued_by=staff.id,
            issued_at=issued_at,
            appointment_at=appointment,
            standard_hours=hours,
            due_at=due_time(request["recorded_at"], appointment, hours),
            changed_at=issued_at,
            changed_by=staff.id,
        )
    )
    await ServiceRequest.update({ServiceRequest.state: "ordered", ServiceRequest.changed_at: issued_at}).where(
        ServiceRequest.id == data.request_id
    )
    details = {"seq": seq, "assignee": assignee["display_name"] if assignee else "", "paid": bool(data.paid)}
    order = {"id": m.id, "request": data.request_id, "state": ""}
    await log_event(ctx, m, order, "issued", state, issued_at, note=data.note.strip(), details=details)
    await _notify.assigned(ctx, m.id, m.id, assignee["id"] if assignee else None)


async def apply_dispatch(ctx: ApplyContext, m: WorkOrderDispatch) -> None:
    """`work_order.dispatch` (W2, W5): to a technician, to another one, or back to the lead's queue;
    whoever it goes to is notified, and an open cannot-fix alert is answered."""
    staff, data = ctx.staff, m.data
    require(staff, DISPATCHERS, _("Only the engineering lead or a supervisor dispatches work orders."))
    order = await order_for_change(ctx, data.order_id)
    assignee = await _assignee(staff.office_id, data.assignee_id)
    at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    note = data.note.strip()
    if stale := stale_change(ctx, m, order, data.expected_state, None, at, note):
        raise stale
    if order["state"] in DONE_ORDER_STATES:
        raise RuleViolation("order_done", _("This work order is finished."))
    state = "dispatched" if assignee else "queued"
    await set_state(
        ctx, order["id"], state, at, assignee=assignee["id"] if assignee else None, accepted_at=None, arrived_at=None
    )
    details = {"assignee": assignee["display_name"] if assignee else "", "previous": order["assignee_name"] or ""}
    await log_event(ctx, m, order, "dispatched", state, at, note=note, details=details)
    await _notify.answered(ctx, order["id"], note)
    await _notify.assigned(ctx, m.id, order["id"], assignee["id"] if assignee else None)


async def apply_escalate(ctx: ApplyContext, m: WorkOrderEscalate) -> None:
    """`work_order.escalate` (W5): the engineering lead cannot solve it either: the manager is
    alerted until someone answers."""
    staff, data = ctx.staff, m.data
    require(staff, ESCALATORS, _("Only the engineering lead escalates to the manager."))
    order = await order_for_change(ctx, data.order_id)
    at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    note = data.note.strip()
    if not note:
        raise RuleViolation("note_required", _("Say why it goes to the manager."), field="note")
    if stale := stale_change(ctx, m, order, data.expected_state, None, at, note):
        raise stale
    if order["state"] != "cannot_fix":
        raise RuleViolation("bad_transition", _("Only an order that cannot be fixed is escalated."))
    await set_state(ctx, order["id"], "escalated", at)
    await log_event(ctx, m, order, "escalated", "escalated", at, note=note)
    await _notify.answered(ctx, order["id"], note)
    await _notify.escalated(ctx, m.id, order["id"], note)


async def apply_resolve(ctx: ApplyContext, m: WorkOrderResolve) -> None:
    """`work_order.resolve` (W5): the manager records how an escalated order was solved, which
    answers its open alerts."""
    staff, data = ctx.staff, m.data
    require(staff, RESOLVERS, _("Only the manager closes an escalated order."))
    order = await order_for_change(ctx, data.order_id)
    at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    note = data.note.strip()
    if not note:
        raise RuleViolation("note_required", _("Say how it was solved."), field="note")
    if stale := stale_change(ctx, m, order, data.expected_state, None, at, note):
        raise stale
    if order["state"] not in ("cannot_fix", "escalated"):
        raise RuleViolation("bad_transition", _("Only an order that could not be fixed is solved this way."))
    await set_state(ctx, order["id"], "resolved", at, completed_at=at)
    await ServiceRequest.update({ServiceRequest.state: "completed", ServiceRequest.changed_at: at}).where(
        (ServiceRequest.id == order["request"]) & (ServiceRequest.state == "ordered")
    )
    await log_event(ctx, m, order, "resolved", "resolved", at, note=note)
    await _notify.answered(ctx, order["id"], note)

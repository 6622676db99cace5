"""Convenience and commissioned services (SPEC S4), a kind of paid service: the office announces its
list with prices; the front desk agrees the terms with the resident (what, where, when, the price);
the department head sends someone at the agreed time; the resident accepts the work, then pays
against a receipt (cash is a payment choice like the others). Each step needs the one before it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from piccolo.query.functions.aggregate import Max

from app import paging
from app.alerts import service as alerts
from app.auth import directory
from app.auth.schemas import CurrentStaff
from app.clock import local, when_it_happened
from app.convenience.schemas import ItemForm, ServiceAccept, ServiceAgree, ServiceAssign, ServicePay
from app.convenience.tables import ServiceBooking, ServiceItem
from app.errors import Forbidden, NotFound, RuleViolation, StaleChange
from app.i18n import _, lazy
from app.org.departments import DEPARTMENTS
from app.org.service import unit_in_office
from app.sync import registry
from app.sync.registry import ApplyContext

AGREERS = frozenset({"frontdesk", "duty", "supervisor"})
ASSIGNERS = frozenset({"dept_head", "supervisor", "manager"})
ADMINS = frozenset({"supervisor", "manager"})
READERS = AGREERS | ASSIGNERS | {"technician", "engineering_lead", "qa"}
KINDS = {"convenience": lazy("Convenience service"), "commissioned": lazy("Commissioned service")}
STATES = {
    "agreed": lazy("Agreed: waiting for the department head"),
    "assigned": lazy("Someone is sent"),
    "accepted": lazy("Accepted: waiting for payment"),
    "paid": lazy("Paid"),
}
METHODS = {"cash": lazy("Cash"), "wechat": lazy("WeChat Pay"), "alipay": lazy("Alipay"), "card": lazy("Bank card")}


def yuan(fen: int) -> str:
    return f"¥{fen / 100:,.2f}"


# --- the announced list -------------------------------------------------------------------------


async def items(office_id: int, active_only: bool = True) -> list[dict]:
    query = ServiceItem.select().where(ServiceItem.office == office_id)
    if active_only:
        query = query.where(ServiceItem.active.eq(True))
    rows = await query.order_by(ServiceItem.kind).order_by(ServiceItem.name)
    for r in rows:
        r["price"] = yuan(r["price_fen"])
        r["kind_label"] = KINDS.get(r["kind"], r["kind"])
        r["department_label"] = DEPARTMENTS.get(r["department"], r["department"])
    return rows


async def add_item(staff: CurrentStaff, form: ItemForm) -> int:
    if staff.role not in ADMINS:
        raise Forbidden()
    if form.department not in DEPARTMENTS:
        raise RuleViolation("bad_department", _("Choose a value from the list."), field="department")
    row = ServiceItem(
        office=staff.office_id,
        kind=form.kind,
        name=form.name.strip(),
        department=form.department,
        price_fen=round(form.price_yuan * 100),
        price_unit=form.price_unit.strip(),
        note=form.note.strip(),
    )
    return (await ServiceItem.insert(row).returning(ServiceItem.id))[0]["id"]


# --- the steps (offline mutations) --------------------------------------------------------------


async def apply_agree(ctx: ApplyContext, m: ServiceAgree) -> None:
    staff, data = ctx.staff, m.data
    if staff.role not in AGREERS:
        raise RuleViolation("forbidden", _("Your role does not agree services with residents."))
    item = (
        await ServiceItem.select()
        .where((ServiceItem.id == data.item_id) & (ServiceItem.office == staff.office_id) & ServiceItem.active.eq(True))
        .first()
    )
    if item is None:
        raise RuleViolation("no_item", _("That service is not on your office's list."), field="item_id")
    if data.unit_id is not None:
        try:
            await unit_in_office(data.unit_id, staff.office_id)
        except NotFound:
            raise RuleViolation("unit_not_found", _("That unit is not in your office."), field="unit_id") from None
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    appointment = data.appointment_at if data.appointment_at.tzinfo else data.appointment_at.replace(tzinfo=staff.tz)
    if appointment < happened - _GRACE:
        raise RuleViolation("past", _("The agreed time is already past."), field="appointment_at")
    top = await ServiceBooking.select(Max(ServiceBooking.seq, alias="n")).where(
        ServiceBooking.office == staff.office_id
    )
    seq = ((top[0]["n"] if top else 0) or 0) + 1
    await ServiceBooking.insert(
        ServiceBooking(
            id=m.id,
            office=staff.office_id,
            seq=seq,
            item=item["id"],
            unit=data.unit_id,
            resident_name=data.resident_name.strip(),
            phone_tail=data.phone_tail,
            place=data.place.strip(),
            appointment_at=appointment,
            price_fen=item["price_fen"] if data.price_yuan is None else round(data.price_yuan * 100),
            terms=data.terms.strip(),
            state="agreed",
            agreed_by=staff.id,
            agreed_at=happened,
        )
    )
    heads = await directory.staff_of_office(staff.office_id, roles=["dept_head"])
    wanted = [h.id for h in heads if h.department == item["department"]]
    if wanted:
        await alerts.raise_alert(
            office_id=staff.office_id,
            kind="convenience_service",
            title=f"{item['name']} · {data.place.strip()}",
            url=f"/convenience/{m.id}",
            recipients=wanted,
            raised_by=staff.id,
            source=f"convenience:{m.id}",
            now=ctx.received_at,
        )


async def _booking(ctx: ApplyContext, booking_id: Any, expected: str) -> dict:
    row = (
        await ServiceBooking.select(
            *ServiceBooking.all_columns(), ServiceBooking.item.department.as_alias("department")
        )
        .where((ServiceBooking.id == booking_id) & (ServiceBooking.office == ctx.staff.office_id))
        .first()
    )
    if row is None:
        raise RuleViolation("no_booking", _("That service is not in your office."), field="booking_id")
    if row["state"] != expected:
        raise StaleChange(_("This service is now: %(state)s.", state=STATES[row["state"]]))
    return row


async def apply_assign(ctx: ApplyContext, m: ServiceAssign) -> None:
    staff = ctx.staff
    if staff.role not in ASSIGNERS:
        raise RuleViolation("forbidden", _("The department head sends someone."))
    row = await _booking(ctx, m.data.booking_id, "agreed")
    if staff.role == "dept_head" and staff.department != row["department"]:
        raise RuleViolation("forbidden", _("This service belongs to another department."))
    if not await directory.staff_of_office(staff.office_id, ids=[m.data.assignee_id]):
        raise RuleViolation("staff_not_found", _("That colleague is not in your office."), field="assignee_id")
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await ServiceBooking.update(
        {
            ServiceBooking.state: "assigned",
            ServiceBooking.assignee: m.data.assignee_id,
            ServiceBooking.assigned_by: staff.id,
            ServiceBooking.assigned_at: happened,
        }
    ).where(ServiceBooking.id == row["id"])


async def apply_accept(ctx: ApplyContext, m: ServiceAccept) -> None:
    row = await _booking(ctx, m.data.booking_id, "assigned")
    if ctx.staff.role not in AGREERS and ctx.staff.id != row["assignee"]:
        raise RuleViolation("forbidden", _("Your role does not record this."))
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await ServiceBooking.update(
        {
            ServiceBooking.state: "accepted",
            ServiceBooking.accepted_at: happened,
            ServiceBooking.acceptance_note: m.data.note.strip(),
        }
    ).where(ServiceBooking.id == row["id"])


async def apply_pay(ctx: ApplyContext, m: ServicePay) -> None:
    if ctx.staff.role not in AGREERS:
        raise RuleViolation("forbidden", _("Your role does not take payments."))
    try:
        row = await _booking(ctx, m.data.booking_id, "accepted")
    except StaleChange:
        raise RuleViolation(
            "not_accepted", _("The resident pays after accepting the work."), field="booking_id"
        ) from None
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await ServiceBooking.update(
        {
            ServiceBooking.state: "paid",
            ServiceBooking.paid_at: happened,
            ServiceBooking.payment_method: m.data.method,
            ServiceBooking.receipt_no: m.data.receipt_no.strip(),
            ServiceBooking.paid_fen: row["price_fen"],
        }
    ).where(ServiceBooking.id == row["id"])


_GRACE = timedelta(hours=1)  # a time agreed a moment ago and typed a little late is still fine

MUTATIONS = (
    registry.MutationKind(ServiceAgree, apply_agree, label=lazy("Service agreed with the resident")),
    registry.MutationKind(ServiceAssign, apply_assign, label=lazy("Someone sent")),
    registry.MutationKind(ServiceAccept, apply_accept, label=lazy("Accepted by the resident")),
    registry.MutationKind(ServicePay, apply_pay, label=lazy("Paid against a receipt")),
)


# --- reading ------------------------------------------------------------------------------------


async def bookings(staff: CurrentStaff, cursor: paging.Cursor | None = None) -> tuple[list[dict], str | None]:
    """The office's bookings (a department head: their department's), latest number first, 50 a page
    after `cursor`; with the cursor of the next page (None: the last)."""
    if staff.role not in READERS:
        raise Forbidden()
    query = ServiceBooking.select(
        *ServiceBooking.all_columns(),
        ServiceBooking.item.name.as_alias("item_name"),
        ServiceBooking.item.department.as_alias("department"),
        ServiceBooking.assignee.display_name.as_alias("assignee_name"),
    ).where(ServiceBooking.office == staff.office_id)
    if staff.role == "dept_head":
        query = query.where(ServiceBooking.item.department == (staff.department or ""))
    rows, more = paging.cut(await paging.after(query, ServiceBooking.seq, ServiceBooking.id, cursor), "seq")
    for r in rows:
        r["price"] = yuan(r["price_fen"])
        r["state_label"] = STATES[r["state"]]
        r["appointment_local"] = local(r["appointment_at"], staff.tz)
        r["method_label"] = METHODS.get(r["payment_method"], "")
    return rows, more


async def people(office_id: int, department: str | None = None) -> list[tuple[int, str]]:
    found = await directory.staff_of_office(office_id)
    return [(p.id, p.display_name) for p in found if department is None or p.department in (department, None)]

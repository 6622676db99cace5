"""The visitor log (SPEC V1) at the desk or the gate, offline on the gate phone: the purpose, whom they
visit (a unit or a department), identity checked (kind and last 4), in and out. A visit that needs it is
announced: the department's staff get an alert; for a unit the desk is asked to call the resident, and
records that it did (`visit.called`). Large goods leaving go through a release slip (app.slips)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from app.alerts.service import raise_alert
from app.auth.roles import ROLES
from app.auth.schemas import CurrentStaff
from app.auth.service import active_staff_of_office
from app.clock import aware, day_bounds, when_it_happened
from app.errors import Forbidden, RuleViolation, StaleChange, check_found
from app.estate.service import parse_unit_ref, search_units, unit_key
from app.i18n import _, lazy
from app.org.departments import DEPARTMENTS
from app.org.service import can_see_office
from app.sync import registry
from app.sync.registry import ApplyContext
from app.visitors.schemas import VisitCalled, VisitIn, VisitOut, VisitView
from app.visitors.tables import VisitorEntry

VISIT_ROLES = frozenset({"frontdesk", "duty", "patrol", "supervisor", "manager"})
VISIT_READERS = VISIT_ROLES | {"qa"}
CALLERS = frozenset({"frontdesk", "duty", "supervisor", "manager"})  # call the resident from the desk
ALL_STAFF_ROLES = sorted(ROLES)  # a department's staff, whatever their role


def check_reader(staff: CurrentStaff, office_id: int) -> None:
    if staff.role not in VISIT_READERS or not can_see_office(staff, office_id):
        raise Forbidden()


async def _unit_id(ctx: ApplyContext, ref: str) -> int:
    parsed = parse_unit_ref(ref)
    if parsed is None:
        raise RuleViolation("unit_required", _("Write the unit as building-number, e.g. 3-402."), field="unit_ref")
    wanted = unit_key(*parsed)
    for unit in await search_units(ctx.staff, ctx.staff.office_id, ref, limit=20):
        if unit_key(unit.building_name, unit.number) == wanted:
            return unit.id
    raise RuleViolation("unit_not_found", _("That unit is not in your office."), field="unit_ref")


async def _tell_department(ctx: ApplyContext, m: VisitIn) -> UUID | None:
    department = m.data.department or ""
    people = await active_staff_of_office(ctx.staff.office_id, ALL_STAFF_ROLES, department)
    if not people:
        return None
    return await raise_alert(
        office_id=ctx.staff.office_id,
        kind="visitor_arrived",
        title=_("A visitor for %(dept)s: %(name)s", dept=DEPARTMENTS[department], name=m.data.visitor_name),
        body=m.data.purpose,
        url=f"/visitors/{m.id}",
        recipients=[p["id"] for p in people],
        raised_by=ctx.staff.id,
        source=f"visit:{m.id}",
        now=ctx.received_at,
    )


async def apply_in(ctx: ApplyContext, m: VisitIn) -> None:
    """`visit.in` (V1): a unit named as typed ("3-402") or a department; the department is alerted."""
    if ctx.staff.role not in VISIT_ROLES:
        raise RuleViolation("forbidden", _("Your role does not receive visitors."))
    data = m.data
    unit_id = None
    if data.host_kind == "unit":
        unit_id = await _unit_id(ctx, data.unit_ref)
    elif data.department is None:
        raise RuleViolation("department_required", _("Choose the department they visit."), field="department")
    happened, suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await VisitorEntry.insert(
        VisitorEntry(
            id=m.id,
            office=ctx.staff.office_id,
            visitor_name=data.visitor_name.strip(),
            people=data.people,
            id_kind=data.id_kind,
            id_last4=data.id_last4.upper(),
            purpose=data.purpose.strip(),
            host_kind=data.host_kind,
            unit=unit_id,
            department=data.department if data.host_kind == "department" else None,
            place=data.place,
            notify=data.notify,
            in_at=happened,
            in_by=ctx.staff.id,
            clock_suspect=suspect,
            received_at=ctx.received_at,
        )
    )
    if data.notify and data.host_kind == "department":
        alert_id = await _tell_department(ctx, m)
        await VisitorEntry.update({VisitorEntry.alert_id: alert_id}).where(VisitorEntry.id == m.id)


async def _visit(ctx: ApplyContext, visit_id: UUID) -> dict:
    row = (
        await VisitorEntry.select(VisitorEntry.id, VisitorEntry.in_at, VisitorEntry.out_at, VisitorEntry.host_kind)
        .where((VisitorEntry.id == visit_id) & (VisitorEntry.office == ctx.staff.office_id))
        .first()
    )
    if row is None:
        raise RuleViolation("visit_not_found", _("That visit is not in your office's log."), field="visit_id")
    return row


async def apply_out(ctx: ApplyContext, m: VisitOut) -> None:
    """`visit.out` (V1): only a visit that is in; never before its time in."""
    if ctx.staff.role not in VISIT_ROLES:
        raise RuleViolation("forbidden", _("Your role does not receive visitors."))
    row = await _visit(ctx, m.data.visit_id)
    if row["out_at"] is not None:
        raise StaleChange(_("This visitor's leaving was already recorded."))
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await VisitorEntry.update(
        {VisitorEntry.out_at: max(happened, aware(row["in_at"])), VisitorEntry.out_by: ctx.staff.id}
    ).where(VisitorEntry.id == row["id"])


async def apply_called(ctx: ApplyContext, m: VisitCalled) -> None:
    """`visit.called` (V1): the desk called the resident the visitor came for."""
    if ctx.staff.role not in CALLERS:
        raise RuleViolation("forbidden", _("Your role does not call residents."))
    row = await _visit(ctx, m.data.visit_id)
    if row["host_kind"] != "unit":
        raise RuleViolation("not_a_unit", _("This visitor came for a department, not a unit."), field="visit_id")
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await VisitorEntry.update(
        {
            VisitorEntry.resident_called_at: happened,
            VisitorEntry.resident_called_by: ctx.staff.id,
            VisitorEntry.call_note: m.data.note.strip(),
        }
    ).where(VisitorEntry.id == row["id"])


MUTATIONS = (
    registry.MutationKind(VisitIn, apply_in, label=lazy("Visitor in")),
    registry.MutationKind(VisitOut, apply_out, label=lazy("Visitor out")),
    registry.MutationKind(VisitCalled, apply_called, label=lazy("Resident called about a visitor")),
)


# --- reading -------------------------------------------------------------------------------------

_COLUMNS: tuple[Any, ...] = (
    *VisitorEntry.all_columns(exclude=["office", "unit", "in_by", "out_by", "resident_called_by"]),
    VisitorEntry.unit.as_alias("unit_id"),
    VisitorEntry.unit.number.as_alias("unit_number"),
    VisitorEntry.unit.building.name.as_alias("building"),  # type: ignore[union-attr]
    VisitorEntry.in_by.display_name.as_alias("in_by"),
    VisitorEntry.out_by.display_name.as_alias("out_by"),
)


def _view(row: dict[str, Any]) -> VisitView:
    label = f"{row['building']} {row['unit_number']}" if row["unit_id"] else ""
    return msgspec.convert({**row, "unit_label": label, "out_by": row["out_by"] or ""}, VisitView, strict=False)


async def visits_of_day(staff: CurrentStaff, office_id: int, day: date) -> list[VisitView]:
    """The day's visits and those still in from before, still-in first, latest first."""
    check_reader(staff, office_id)
    start, end = day_bounds(day, staff.tz)
    query = VisitorEntry.select(*_COLUMNS).where(
        (VisitorEntry.office == office_id)
        & (((VisitorEntry.in_at >= start) & (VisitorEntry.in_at < end)) | VisitorEntry.out_at.is_null())
    )
    rows = [_view(r) for r in await query.order_by(VisitorEntry.in_at, ascending=False).limit(300)]
    return sorted(rows, key=lambda v: v.out_at is not None)


async def get_visit(staff: CurrentStaff, office_id: int, visit_id: UUID) -> VisitView:
    check_reader(staff, office_id)
    query = VisitorEntry.select(*_COLUMNS).where((VisitorEntry.id == visit_id) & (VisitorEntry.office == office_id))
    return _view(check_found(await query.first()))


async def visitors_in(office_id: int) -> list[VisitView]:
    """Every visitor of the office still in (for the gate phone, offline)."""
    query = VisitorEntry.select(*_COLUMNS).where((VisitorEntry.office == office_id) & VisitorEntry.out_at.is_null())
    return [_view(r) for r in await query.order_by(VisitorEntry.in_at).limit(500)]


async def calls_due(office_id: int) -> list[VisitView]:
    """Visitors in for a unit whose resident is to be called and has not been yet (V1: the desk's prompt)."""
    query = VisitorEntry.select(*_COLUMNS).where(
        (VisitorEntry.office == office_id)
        & VisitorEntry.out_at.is_null()
        & VisitorEntry.notify.eq(True)
        & (VisitorEntry.host_kind == "unit")
        & VisitorEntry.resident_called_at.is_null()
    )
    return [_view(r) for r in await query.order_by(VisitorEntry.in_at).limit(50)]

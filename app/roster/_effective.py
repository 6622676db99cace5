"""What the published roster says after leave and substitutes (SPEC D1, D4): who works which shift."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.auth.schemas import CurrentStaff
from app.clock import zone
from app.org.service import office_shift_templates
from app.roster._shifts import next_shift
from app.roster.roles import DESK_ROLES
from app.roster.tables import LeaveRequest, RosterAssignment, RosterMonth


async def published_months(office_id: int, start: date, end: date) -> set[date]:
    rows = await RosterMonth.select(RosterMonth.month).where(
        (RosterMonth.office == office_id)
        & (RosterMonth.status == "published")
        & (RosterMonth.month >= start.replace(day=1))
        & (RosterMonth.month <= end)
    )
    return {r["month"] for r in rows}


async def effective_assignments(
    office_id: int, start: date, end: date, *, include_drafts: bool = False, staff_id: int | None = None
) -> list[dict]:
    """Every rostered shift between two days, with leave applied (D4).

    Each row: assignment_id, day, shift_code, rostered_id/name (who the grid names), staff_id/name
    (who works it: the substitute after approved leave, None while nobody replaces), kind
    (rostered | leave | substitute), and the leave's approver. Drafts only when asked (editor views).
    """
    query = RosterAssignment.select(
        RosterAssignment.id,
        RosterAssignment.month,
        RosterAssignment.day,
        RosterAssignment.shift_code,
        RosterAssignment.staff.as_alias("rostered_id"),
        RosterAssignment.staff.display_name.as_alias("rostered_name"),
        RosterAssignment.staff.role.as_alias("rostered_role"),
    ).where((RosterAssignment.office == office_id) & (RosterAssignment.day >= start) & (RosterAssignment.day <= end))
    if not include_drafts:
        months = await published_months(office_id, start, end)
        if not months:
            return []
        query = query.where(RosterAssignment.month.is_in(list(months)))
    rows = await query.order_by(RosterAssignment.day)
    leaves = await approved_leaves([r["id"] for r in rows]) if rows else {}
    result = []
    for r in rows:
        leave = leaves.get(r["id"])
        row = {
            "assignment_id": r["id"],
            "day": r["day"],
            "shift_code": r["shift_code"],
            "rostered_id": r["rostered_id"],
            "rostered_name": r["rostered_name"],
            "rostered_role": r["rostered_role"],
            "staff_id": r["rostered_id"],
            "staff_name": r["rostered_name"],
            "kind": "rostered",
            "leave": leave,
        }
        if leave:
            row["kind"] = "substitute" if leave["substitute"] else "leave"
            row["staff_id"] = leave["substitute"]
            row["staff_name"] = leave["substitute_name"]
        if staff_id is None or staff_id in (row["staff_id"], row["rostered_id"]):
            result.append(row)
    return result


async def approved_leaves(assignment_ids: list[int]) -> dict[int, dict]:
    if not assignment_ids:
        return {}
    rows = await LeaveRequest.select(
        LeaveRequest.id,
        LeaveRequest.assignment,
        LeaveRequest.reason,
        LeaveRequest.decided_at,
        LeaveRequest.decided_by.display_name.as_alias("approver_name"),
        LeaveRequest.substitute,
        LeaveRequest.substitute.display_name.as_alias("substitute_name"),
        LeaveRequest.substitute_set_at,
    ).where(LeaveRequest.assignment.is_in(assignment_ids) & (LeaveRequest.status == "approved"))
    return {r["assignment"]: r for r in rows}


async def rostered_for(office_id: int, day: date, code: str, roles: frozenset[str] = DESK_ROLES) -> list[dict]:
    """Who works a shift by the published roster, after leave and substitutes (D4): [{id, name}].
    By default the desk's people (the handover); `roles` picks others (the technician on call)."""
    rows = await effective_assignments(office_id, day, day)
    return [
        {"id": r["staff_id"], "name": r["staff_name"], "kind": r["kind"]}
        for r in rows
        if r["shift_code"] == code and r["staff_id"] is not None and r["rostered_role"] in roles
    ]


async def on_shift_now(office_id: int, tz_name: str, at: datetime, roles: frozenset[str]) -> list[dict]:
    """Who of `roles` works the shift `at` falls in, by the published roster after leave (D1, D4).
    For the technician on call (W6); the desk's holder is the handover's business (H7, D10)."""
    from app.duty.service import shift_of  # NOTE: imported here: the duty domain's shift clock

    day, code = shift_of(at.astimezone(zone(tz_name)), await office_shift_templates(office_id))
    return [] if code == "off" else await rostered_for(office_id, day, code, roles)


async def upcoming_shifts(office_id: int, day: date, code: str, templates: list[dict], count: int) -> list[dict]:
    """From (day, code) on, `count` shifts with who holds the desk in each (published roster, leave applied)."""
    shifts = [(day, code)]
    for _i in range(count - 1):
        shifts.append(next_shift(*shifts[-1], templates))
    rows = await effective_assignments(office_id, shifts[0][0], shifts[-1][0])
    rows = [r for r in rows if r["rostered_role"] in DESK_ROLES]
    result = []
    for d, c in shifts:
        staff = [{"id": r["staff_id"], "name": r["staff_name"]} for r in rows if r["day"] == d and r["shift_code"] == c]
        result.append({"date": d.isoformat(), "code": c, "staff": [s for s in staff if s["id"] is not None]})
    return result


async def my_shifts(staff: CurrentStaff, start: date, days: int) -> list[dict]:
    """The shifts a staff member works (or asked leave for) in the next days, from the published roster."""
    rows = await effective_assignments(staff.office_id, start, start + timedelta(days=days - 1), staff_id=staff.id)
    return rows

"""Leave and substitutes (SPEC D4): ask with a reason → the supervisor approves or refuses → only then
the supervisor assigns a substitute. There is no operation by which two staff swap shifts themselves:
a substitute can only be named by the supervisor, on an approved leave request."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.auth.schemas import CurrentStaff
from app.db import write_transaction
from app.errors import Forbidden, RuleViolation, check_found
from app.i18n import _, lazy
from app.org.service import office_shift_templates
from app.roster.schemas import LeaveDecisionForm, LeaveRequestForm
from app.roster.service import (
    MID_LEVEL_ROLES,
    ROSTER_EDITORS,
    ROSTER_ROLES,
    effective_assignments,
    holidays_between,
    require_editor,
    roster_group,
    roster_staff,
    shift_bounds,
)
from app.roster.tables import LeaveRequest, RosterAssignment, RosterMonth

LEAVE_STATUSES: dict[str, str] = {
    "pending": lazy("Waiting for approval"),
    "approved": lazy("Approved"),
    "refused": lazy("Refused"),
}
OPEN_STATUSES = ("pending", "approved")


def _now() -> datetime:
    return datetime.now(UTC)


_COLUMNS = (
    LeaveRequest.id,
    LeaveRequest.status,
    LeaveRequest.reason,
    LeaveRequest.created_at,
    LeaveRequest.decided_at,
    LeaveRequest.decision_note,
    LeaveRequest.substitute_set_at,
    LeaveRequest.requester.as_alias("requester_id"),
    LeaveRequest.requester.display_name.as_alias("requester_name"),
    LeaveRequest.requester.role.as_alias("requester_role"),
    LeaveRequest.decided_by.display_name.as_alias("decided_by_name"),
    LeaveRequest.substitute.as_alias("substitute_id"),
    LeaveRequest.substitute.display_name.as_alias("substitute_name"),
    LeaveRequest.assignment.as_alias("assignment_id"),
    LeaveRequest.assignment.day.as_alias("day"),
    LeaveRequest.assignment.shift_code.as_alias("shift_code"),
)


async def _leave(office_id: int, leave_id: int) -> dict:
    row = (
        await LeaveRequest.select(*_COLUMNS)
        .where((LeaveRequest.id == leave_id) & (LeaveRequest.office == office_id))
        .first()
    )
    return check_found(row)


async def _shift_started(actor: CurrentStaff, day: date, code: str) -> bool:
    tz = actor.tz
    start, _end = shift_bounds(day, code, await office_shift_templates(actor.office_id), tz)
    return start <= _now()


async def request_leave(actor: CurrentStaff, form: LeaveRequestForm) -> int:
    """D4: a staff member asks leave for one of their own rostered shifts, with a reason."""
    if actor.role not in ROSTER_ROLES:
        raise Forbidden()
    reason = form.reason.strip()
    if not reason:
        raise RuleViolation("reason_required", _("Give a reason."), field="reason")
    async with write_transaction():
        assignment = await (
            RosterAssignment.select(
                RosterAssignment.id,
                RosterAssignment.day,
                RosterAssignment.shift_code,
                RosterAssignment.staff,
                RosterAssignment.month,
            )
            .where((RosterAssignment.id == form.assignment_id) & (RosterAssignment.office == actor.office_id))
            .first()
        )
        if assignment is None or assignment["staff"] != actor.id:
            raise RuleViolation("not_your_shift", _("Choose one of your own shifts."), field="assignment_id")
        if not await RosterMonth.exists().where(
            (RosterMonth.office == actor.office_id)
            & (RosterMonth.month == assignment["month"])
            & (RosterMonth.status == "published")
        ):
            raise RuleViolation("not_published", _("That roster is not published yet."), field="assignment_id")
        if await _shift_started(actor, assignment["day"], assignment["shift_code"]):
            message = _("That shift has already started; ask the supervisor directly.")
            raise RuleViolation("shift_started", message, field="assignment_id")
        if await LeaveRequest.exists().where(
            (LeaveRequest.assignment == assignment["id"]) & LeaveRequest.status.is_in(list(OPEN_STATUSES))
        ):
            message = _("You already asked leave for that shift.")
            raise RuleViolation("leave_exists", message, field="assignment_id")
        rows = await LeaveRequest.insert(
            LeaveRequest(office=actor.office_id, assignment=assignment["id"], requester=actor.id, reason=reason)
        )
    return rows[0]["id"]


async def decide_leave(actor: CurrentStaff, leave_id: int, form: LeaveDecisionForm) -> None:
    """D4: the supervisor approves or refuses a pending request (a refusal keeps the shift as rostered)."""
    require_editor(actor)
    async with write_transaction():
        leave = await _leave(actor.office_id, leave_id)
        if leave["status"] != "pending":
            message = _("This request was already decided (%(status)s).", status=LEAVE_STATUSES[leave["status"]])
            raise RuleViolation("already_decided", message)
        await LeaveRequest.update(
            {
                LeaveRequest.status: "approved" if form.decision == "approve" else "refused",
                LeaveRequest.decided_by: actor.id,
                LeaveRequest.decided_at: _now(),
                LeaveRequest.decision_note: form.note.strip(),
            }
        ).where(LeaveRequest.id == leave_id)


async def assign_substitute(actor: CurrentStaff, leave_id: int, substitute_id: int) -> None:
    """D4: only after approval, the supervisor names who works the shift instead.

    The substitute is on the office's roster, is not the person on leave, does not already work that
    shift, and on a holiday the day keeps a mid-level manager on duty (D8)."""
    require_editor(actor)
    async with write_transaction():
        leave = await _leave(actor.office_id, leave_id)
        if leave["status"] != "approved":
            message = _("A substitute can only be assigned after the leave is approved.")
            raise RuleViolation("leave_not_approved", message, field="substitute_id")
        if leave["substitute_id"] is not None:
            message = _("%(name)s already replaces this shift.", name=leave["substitute_name"])
            raise RuleViolation("substitute_exists", message, field="substitute_id")
        people = {r["id"]: r for r in await roster_staff(actor.office_id)}
        if substitute_id not in people:
            message = _("Choose a substitute from this office's roster.")
            raise RuleViolation("substitute_not_on_roster", message, field="substitute_id")
        if substitute_id == leave["requester_id"]:
            message = _("The person on leave cannot replace themselves.")
            raise RuleViolation("substitute_is_requester", message, field="substitute_id")
        if roster_group(people[substitute_id]["role"]) != roster_group(leave["requester_role"]):
            message = _("A technician's shift is covered by a technician, a desk shift by desk staff.")
            raise RuleViolation("substitute_other_group", message, field="substitute_id")
        same_day = await effective_assignments(actor.office_id, leave["day"], leave["day"])
        if any(r["staff_id"] == substitute_id and r["shift_code"] == leave["shift_code"] for r in same_day):
            message = _("%(name)s already works this shift.", name=people[substitute_id]["display_name"])
            raise RuleViolation("substitute_busy", message, field="substitute_id")
        holidays = await holidays_between(actor.office_id, leave["day"], leave["day"])
        if holidays and people[substitute_id]["role"] not in MID_LEVEL_ROLES:
            others = [
                r
                for r in same_day
                if r["assignment_id"] != leave["assignment_id"]
                and r["staff_id"] in people
                and people[r["staff_id"]]["role"] in MID_LEVEL_ROLES
            ]
            if not others:
                message = _(
                    "%(day)s is a holiday (%(name)s): the substitute must be a mid-level manager, or "
                    "no manager would be on duty.",
                    day=leave["day"].isoformat(),
                    name=holidays[leave["day"]],
                )
                raise RuleViolation("holiday_without_manager", message, field="substitute_id")
        await LeaveRequest.update(
            {
                LeaveRequest.substitute: substitute_id,
                LeaveRequest.substitute_set_by: actor.id,
                LeaveRequest.substitute_set_at: _now(),
            }
        ).where(LeaveRequest.id == leave_id)


async def leave_page(actor: CurrentStaff) -> dict:
    """The leave page: my requests and my upcoming shifts; for the supervisor, the queue."""
    if actor.role not in ROSTER_ROLES:
        raise Forbidden()
    tz = actor.tz
    today = datetime.now(tz).date()
    mine = (
        await LeaveRequest.select(*_COLUMNS)
        .where((LeaveRequest.office == actor.office_id) & (LeaveRequest.requester == actor.id))
        .order_by(LeaveRequest.created_at, ascending=False)
        .limit(30)
    )
    upcoming = [
        r
        for r in await effective_assignments(actor.office_id, today, date.fromordinal(today.toordinal() + 62))
        if r["rostered_id"] == actor.id and r["leave"] is None
    ]
    open_leave = {r["assignment_id"] for r in mine if r["status"] in OPEN_STATUSES}
    context: dict = {
        "mine": mine,
        "my_shifts": [r for r in upcoming if r["assignment_id"] not in open_leave],
        "statuses": LEAVE_STATUSES,
        "is_editor": actor.role in ROSTER_EDITORS,
        "shift_names": {s["code"]: s["name"] for s in await office_shift_templates(actor.office_id)},
    }
    if actor.role in ROSTER_EDITORS:
        queue = (
            await LeaveRequest.select(*_COLUMNS)
            .where(
                (LeaveRequest.office == actor.office_id)
                & (
                    (LeaveRequest.status == "pending")
                    | ((LeaveRequest.status == "approved") & LeaveRequest.substitute.is_null())
                )
            )
            .order_by(LeaveRequest.created_at)
        )
        people = await roster_staff(actor.office_id)
        context["queue"] = [r for r in queue if r["day"] >= today or r["status"] == "pending"]
        for r in context["queue"]:  # who may cover it (D4): same group, not the person on leave
            group = roster_group(r["requester_role"])
            r["substitutes"] = [p for p in people if p["id"] != r["requester_id"] and roster_group(p["role"]) == group]
    return context


async def pending_leave_count(office_id: int) -> int:
    return await LeaveRequest.count().where(
        (LeaveRequest.office == office_id)
        & (
            (LeaveRequest.status == "pending")
            | ((LeaveRequest.status == "approved") & LeaveRequest.substitute.is_null())
        )
    )

"""Nonconformances (不合格项, SPEC P3): raised from a failed check, sent to a department's head,
rectified, verified by a follow-up inspection (跟进检查), closed — or reopened with a new deadline.

Each state change names the state it expects (and the reopen count it saw); a stale change is
rejected with a reason and what it carried is kept as a comment (DESIGN "Conflicts").
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from uuid import UUID

from app.alerts.service import raise_alert
from app.auth.service import active_staff_of_office
from app.errors import RuleViolation, StaleChange
from app.i18n import _
from app.org.departments import DEPARTMENTS
from app.patrols._common import (
    NC_STATES,
    RECTIFY_ON_BEHALF,
    VERIFIERS,
    WALKERS,
    tz_of,
    when_it_happened,
)
from app.patrols._rounds import check_photos
from app.patrols._setup import deadline_days
from app.patrols.schemas import NonconformanceCreate, NonconformanceRectify, NonconformanceVerify
from app.patrols.tables import Finding, Nonconformance, NonconformanceEvent
from app.sync.registry import ApplyContext


async def default_deadline(office_id: int, department: str, from_day: date) -> date:
    """P3: the department's number of days (per office, configurable) after `from_day`."""
    return from_day + timedelta(days=(await deadline_days(office_id))[department])


def _event(ctx: ApplyContext, nc_id: UUID, kind: str, **values) -> NonconformanceEvent:
    recorded_at = values.pop("recorded_at")
    return NonconformanceEvent(
        id=values.pop("id", None) or uuid.uuid4(),
        office=ctx.staff.office_id,
        nonconformance=nc_id,
        kind=kind,
        staff=ctx.staff.id,
        recorded_at=recorded_at,
        received_at=ctx.received_at,
        **values,
    )


async def apply_create(ctx: ApplyContext, m: NonconformanceCreate) -> None:
    """`nonconformance.create` (P3): a failed check of this office, raised once, to a department
    with a deadline (the department's default when none is given).

    The department's head is alerted at once (P3: "sent to that department's head"), through
    app.alerts in this transaction, so a rejected change alerts nobody.
    """
    staff, data = ctx.staff, m.data
    if staff.role not in WALKERS:
        raise RuleViolation("forbidden", _("Your role does not raise nonconformances."))
    finding = (
        await Finding.select(
            Finding.id,
            Finding.round,
            Finding.checkpoint,
            Finding.label,
            Finding.note,
            Finding.result,
            Finding.checkpoint.name.as_alias("checkpoint_name"),
        )
        .where((Finding.id == data.finding_id) & (Finding.office == staff.office_id))
        .first()
    )
    if finding is None:
        raise RuleViolation("finding_not_found", _("The failed check this refers to is not on the server."))
    if finding["result"] != "fail":
        raise RuleViolation("finding_passed", _("Only a failed check can be raised as a nonconformance."))
    if await Nonconformance.exists().where(Nonconformance.finding == data.finding_id):
        raise RuleViolation("already_raised", _("This failed check was already raised as a nonconformance."))
    if await Nonconformance.exists().where(Nonconformance.id == m.id):
        raise RuleViolation("id_reused", _("This change id was already used for different content."))
    raised_at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    raised_day = raised_at.astimezone(tz_of(staff)).date()
    deadline = data.deadline or await default_deadline(staff.office_id, data.department, raised_day)
    if deadline < raised_day:
        raise RuleViolation("deadline_past", _("The deadline cannot be before the day it is raised."), field="deadline")
    what = finding["label"] or finding["note"]
    title = f"{finding['checkpoint_name']}: {what}" if finding["checkpoint_name"] else what
    await Nonconformance.insert(
        Nonconformance(
            id=m.id,
            office=staff.office_id,
            finding=finding["id"],
            round=finding["round"],
            checkpoint=finding["checkpoint"],
            title=title[:200],
            department=data.department,
            state="open",
            cycle=0,
            deadline=deadline,
            raised_by=staff.id,
            raised_at=raised_at,
            received_at=ctx.received_at,
            changed_at=raised_at,
            changed_by=staff.id,
        )
    )
    await NonconformanceEvent.insert(
        _event(
            ctx,
            m.id,
            "raised",
            id=m.id,
            to_state="open",
            note=data.note.strip(),
            deadline=deadline,
            recorded_at=raised_at,
        )
    )
    await _alert_department_head(ctx, m.id, data.department, title, deadline)


async def _alert_department_head(ctx: ApplyContext, nc_id: UUID, department: str, title: str, deadline: date) -> None:
    heads = await active_staff_of_office(ctx.staff.office_id, ["dept_head"], department)
    await raise_alert(
        office_id=ctx.staff.office_id,
        kind="nonconformance",
        title=title[:120],
        body=_("Rectify by %(day)s", day=deadline.isoformat()),
        url=f"/patrols/nc/{nc_id}",
        recipients=[row["id"] for row in heads],
        raised_by=ctx.staff.id,
        source=f"nonconformance:{nc_id}",
        now=ctx.received_at,
    )


async def _nc_for_change(ctx: ApplyContext, nc_id: UUID) -> dict:
    row = (
        await Nonconformance.select(
            Nonconformance.id,
            Nonconformance.state,
            Nonconformance.cycle,
            Nonconformance.department,
            Nonconformance.changed_at,
            Nonconformance.changed_by.display_name.as_alias("changed_by_name"),
        )
        .where((Nonconformance.id == nc_id) & (Nonconformance.office == ctx.staff.office_id))
        .first()
    )
    if row is None:
        raise RuleViolation("nc_not_found", _("This nonconformance is not on the server (or not in your office)."))
    return row


def _stale(ctx: ApplyContext, m, nc: dict, expected: str, note: str, photos: list[str], recorded_at) -> StaleChange:
    """The rejection of a change made on an outdated view; its note and photos are kept as a comment."""
    tz = tz_of(ctx.staff)
    changed = nc["changed_at"].astimezone(tz).strftime("%m-%d %H:%M") if nc["changed_at"] else "?"
    reason = _(
        "Not applied: you saw this item as “%(expected)s”, but it is now “%(state)s” "
        "(changed by %(who)s at %(time)s). Your note and photos are kept as a comment on it.",
        expected=str(NC_STATES.get(expected, expected)),
        state=str(NC_STATES.get(nc["state"], nc["state"])),
        who=nc["changed_by_name"] or "?",
        time=changed,
    )

    async def keep() -> None:
        await NonconformanceEvent.insert(
            _event(
                ctx,
                nc["id"],
                "comment",
                id=m.id,
                note=note,
                photos=photos,
                reason=reason,
                from_state=nc["state"],
                to_state=nc["state"],
                recorded_at=recorded_at,
            )
        )

    return StaleChange(reason, keep=keep)


def _is_stale(nc: dict, expected: str, cycle: int | None) -> bool:
    return nc["state"] != expected or (cycle is not None and cycle != nc["cycle"])


async def apply_rectify(ctx: ApplyContext, m: NonconformanceRectify) -> None:
    """`nonconformance.rectify` (P3): the department's head (or a supervisor/manager) reports it fixed."""
    staff, data = ctx.staff, m.data
    nc = await _nc_for_change(ctx, data.nonconformance_id)
    own_department = staff.role == "dept_head" and staff.department == nc["department"]
    if not own_department and staff.role not in RECTIFY_ON_BEHALF:
        department = str(DEPARTMENTS.get(nc["department"], nc["department"]))
        raise RuleViolation(
            "forbidden",
            _("Only the head of %(department)s or a supervisor rectifies this item.", department=department),
        )
    note = data.note.strip()
    if not note:
        raise RuleViolation("note_required", _("Say what was done."), field="note")
    await check_photos(staff.office_id, data.photos)
    recorded_at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    if _is_stale(nc, data.expected_state, data.cycle):
        raise _stale(ctx, m, nc, data.expected_state, note, list(data.photos), recorded_at)
    await Nonconformance.update(
        {
            Nonconformance.state: "rectified",
            Nonconformance.changed_at: recorded_at,
            Nonconformance.changed_by: staff.id,
        }
    ).where((Nonconformance.id == nc["id"]) & (Nonconformance.state == "open"))
    await NonconformanceEvent.insert(
        _event(
            ctx,
            nc["id"],
            "rectified",
            id=m.id,
            from_state="open",
            to_state="rectified",
            note=note,
            photos=list(data.photos),
            recorded_at=recorded_at,
        )
    )


async def apply_verify(ctx: ApplyContext, m: NonconformanceVerify) -> None:
    """`nonconformance.verify` (P3, 跟进检查): passed → closed; failed → open again, new deadline."""
    staff, data = ctx.staff, m.data
    if staff.role not in VERIFIERS:
        raise RuleViolation("forbidden", _("Your role does not verify rectifications."))
    nc = await _nc_for_change(ctx, data.nonconformance_id)
    note = data.note.strip()
    if data.outcome == "failed" and not note:
        raise RuleViolation("note_required", _("Say what is still wrong."), field="note")
    await check_photos(staff.office_id, data.photos)
    recorded_at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    if _is_stale(nc, data.expected_state, data.cycle):
        raise _stale(ctx, m, nc, data.expected_state, note, list(data.photos), recorded_at)
    values: dict = {Nonconformance.changed_at: recorded_at, Nonconformance.changed_by: staff.id}
    deadline = None
    if data.outcome == "passed":
        kind, to_state = "verified", "closed"
        values[Nonconformance.closed_at] = recorded_at
    else:
        kind, to_state = "reopened", "open"
        day = recorded_at.astimezone(tz_of(staff)).date()
        deadline = data.new_deadline or await default_deadline(staff.office_id, nc["department"], day)
        if deadline < day:
            raise RuleViolation("deadline_past", _("The new deadline cannot be before today."), field="new_deadline")
        values[Nonconformance.deadline] = deadline
        values[Nonconformance.cycle] = nc["cycle"] + 1
    values[Nonconformance.state] = to_state
    await Nonconformance.update(values).where((Nonconformance.id == nc["id"]) & (Nonconformance.state == "rectified"))
    await NonconformanceEvent.insert(
        _event(
            ctx,
            nc["id"],
            kind,
            id=m.id,
            from_state="rectified",
            to_state=to_state,
            note=note,
            photos=list(data.photos),
            deadline=deadline,
            recorded_at=recorded_at,
        )
    )

"""Emergency coordination (SPEC D3, D7): the duty officer calls a manager or a department head —
who was called, when, whether their phone was alerted, when they answered, when they came on site."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app import paging
from app.alerts import service as alerts
from app.auth import directory
from app.auth.schemas import CurrentStaff
from app.clock import aware, local, when_it_happened
from app.duty import incidents as duty_incidents
from app.errors import RuleViolation
from app.i18n import _
from app.supervision.schemas import CallMade, CallStep
from app.supervision.tables import EmergencyCall, StormEvent
from app.sync.registry import ApplyContext

CALLERS = frozenset({"duty", "frontdesk", "supervisor", "manager"})
CALLEE_ROLES = ("manager", "dept_head", "engineering_lead", "supervisor")


async def callees(office_id: int) -> list[tuple[int, str]]:
    """Managers and department heads of the office, for "who was called"."""
    people = await directory.staff_of_office(office_id, roles=CALLEE_ROLES)
    return [(p.id, f"{p.display_name}（{p.department or _role(p.role)}）") for p in people]


def _role(role: str) -> str:
    from app.auth.roles import ROLES

    return str(ROLES.get(role, role))


async def apply_call(ctx: ApplyContext, m: CallMade) -> None:
    staff, data = ctx.staff, m.data
    if staff.role not in CALLERS:
        raise RuleViolation("forbidden", _("Your role does not record emergency calls."))
    found = await directory.staff_of_office(staff.office_id, ids=[data.callee_id])
    if not found:
        raise RuleViolation("staff_not_found", _("That colleague is not in your office."), field="callee_id")
    if (
        data.entry_id is not None
        and (await duty_incidents.incident_with_followers(staff.office_id, data.entry_id))[0] is None
    ):
        raise RuleViolation("no_entry", _("That entry is not in your office's duty log."), field="entry_id")
    if data.storm_id is not None and not await StormEvent.exists().where(
        (StormEvent.id == data.storm_id) & (StormEvent.office == staff.office_id)
    ):
        raise RuleViolation("no_storm", _("That storm is not in your office."), field="storm_id")
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await EmergencyCall.insert(
        EmergencyCall(
            id=m.id,
            office=staff.office_id,
            entry=data.entry_id,
            storm=data.storm_id,
            callee=data.callee_id,
            called_by=staff.id,
            called_at=happened,
            alerted=data.alert,
            note=data.note.strip(),
        )
    )
    if data.alert:
        await alerts.raise_alert(
            office_id=staff.office_id,
            kind="emergency_call",
            title=_("%(name)s needs you: %(note)s", name=staff.display_name, note=data.note.strip() or _("emergency")),
            body=_("Answer the duty officer and say whether you are coming on site."),
            url="/supervision/calls",
            recipients=[data.callee_id],
            raised_by=staff.id,
            source=f"call:{m.id}",
            now=ctx.received_at,
        )


async def apply_call_step(ctx: ApplyContext, m: CallStep) -> None:
    """They answered, or came on site: recorded when it is tapped (coming on site implies answering)."""
    staff = ctx.staff
    row = (
        await EmergencyCall.select()
        .where((EmergencyCall.id == m.data.call_id) & (EmergencyCall.office == staff.office_id))
        .first()
    )
    if row is None:
        raise RuleViolation("no_call", _("That call is not in your office."), field="call_id")
    if staff.role not in CALLERS and staff.id != row["callee"]:
        raise RuleViolation("forbidden", _("Your role does not record emergency calls."))
    column = "answered_at" if m.data.step == "answered" else "on_site_at"
    if row[column] is not None:
        raise RuleViolation("already", _("This was already recorded."), field="step")
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    happened = max(happened, aware(row["called_at"]))
    values: dict[Any, Any] = {getattr(EmergencyCall, column): happened}
    if column == "on_site_at" and row["answered_at"] is None:
        values[EmergencyCall.answered_at] = happened
    await EmergencyCall.update(values).where(EmergencyCall.id == row["id"])


def _calls_query(staff: CurrentStaff) -> Any:
    return EmergencyCall.select(
        *EmergencyCall.all_columns(),
        EmergencyCall.callee.display_name.as_alias("callee_name"),
        EmergencyCall.called_by.display_name.as_alias("caller_name"),
    ).where(EmergencyCall.office == staff.office_id)


def _decorated(rows: list[dict], staff: CurrentStaff) -> list[dict]:
    for r in rows:
        for key in ("called_at", "answered_at", "on_site_at"):
            r[key.replace("_at", "_local")] = local(r[key], staff.tz)
        r["minutes_to_answer"] = (
            int((aware(r["answered_at"]) - aware(r["called_at"])).total_seconds() // 60) if r["answered_at"] else None
        )
    return rows


async def calls(
    staff: CurrentStaff, *, entry_id: UUID | None = None, storm_id: UUID | None = None, limit: int = 50
) -> list[dict]:
    """The office's latest emergency calls, newest first (of one incident or storm when given)."""
    query = _calls_query(staff)
    if entry_id is not None:
        query = query.where(EmergencyCall.entry == entry_id)
    if storm_id is not None:
        query = query.where(EmergencyCall.storm == storm_id)
    return _decorated(await query.order_by(EmergencyCall.called_at, ascending=False).limit(limit), staff)


async def page_of_calls(staff: CurrentStaff, cursor: paging.Cursor | None) -> tuple[list[dict], str | None]:
    """A page of the office's emergency calls, newest first (by call time, then id), after `cursor`;
    with the cursor of the next page (None: the last)."""
    query = paging.after(_calls_query(staff), EmergencyCall.called_at, EmergencyCall.id, cursor)
    rows, more = paging.cut(await query, "called_at")
    return _decorated(rows, staff), more


async def call_lines(staff: CurrentStaff, entry_id: UUID) -> list[dict]:
    """One line per call about an incident, for its written report."""
    lines = []
    for r in reversed(await calls(staff, entry_id=entry_id)):
        text = f"{r['called_local']:%H:%M} {_('called')} {r['callee_name']}"
        if r["answered_local"]:
            text += f"，{r['answered_local']:%H:%M} {_('answered')}"
        if r["on_site_local"]:
            text += f"，{r['on_site_local']:%H:%M} {_('on site')}"
        lines.append({"text": text})
    return lines

"""Storm mode (SPEC G3, P5): in a typhoon, rainstorm or flood the manager switches it on — every staff
member of the office is alerted to stand by, the duty manager's arrival on site is recorded against
the 30-minute limit, a checklist is worked through, the heavy-rain patrols of the entrusted homes
are made due; switched off with a summary (and the after-the-rain patrols made due)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from app.alerts import service as alerts
from app.auth import directory
from app.auth.schemas import CurrentStaff
from app.clock import aware, local, when_it_happened
from app.errors import RuleViolation, StaleChange
from app.i18n import _, lazy
from app.patrols import service as patrols
from app.supervision.schemas import StormArrived, StormCheck, StormOff, StormOn
from app.supervision.tables import StormEvent
from app.sync.registry import ApplyContext

SWITCHERS = frozenset({"supervisor", "manager"})
ARRIVAL_LIMIT = timedelta(minutes=30)  # G3: the duty manager on site within 30 minutes
STORM_KINDS = {"typhoon": lazy("Typhoon"), "rainstorm": lazy("Rainstorm"), "flood": lazy("Flood")}
CHECKLIST = {
    "drains": lazy("Drains, gullies and roof outlets cleared"),
    "basement": lazy("Basement and garage: sandbags and pumps ready"),
    "windows": lazy("Public windows and doors shut; loose objects tied down or taken in"),
    "trees": lazy("Trees and hoardings checked, dangerous ones cordoned off"),
    "power": lazy("Power rooms, lifts and pumps checked by engineering"),
    "notice": lazy("Notice to residents posted"),
    "supplies": lazy("Torches, raincoats and first-aid kit ready at the duty room"),
}


def _require_switcher(staff: CurrentStaff) -> None:
    if staff.role not in SWITCHERS:
        raise RuleViolation("forbidden", _("Only the supervisor or the manager switches storm mode."))


async def active_storm(office_id: int) -> dict | None:
    return (
        await StormEvent.select(
            *StormEvent.all_columns(),
            StormEvent.duty_manager.display_name.as_alias("duty_manager_name"),
            StormEvent.started_by.display_name.as_alias("started_by_name"),
        )
        .where((StormEvent.office == office_id) & StormEvent.ended_at.is_null())
        .first()
    )


async def _rain_rounds(staff: CurrentStaff, when: str, at: datetime) -> int:
    try:
        return await patrols.request_rain_rounds(staff, when, local(at, staff.tz).date())  # type: ignore[union-attr]
    except RuleViolation:  # no entrusted-homes route in this office: nothing to make due
        return 0


async def apply_on(ctx: ApplyContext, m: StormOn) -> None:
    staff, data = ctx.staff, m.data
    _require_switcher(staff)
    people = await directory.staff_of_office(staff.office_id)
    manager = [p for p in people if p.id == data.duty_manager_id]
    if not manager:
        raise RuleViolation("staff_not_found", _("That colleague is not in your office."), field="duty_manager_id")
    if (on := await active_storm(staff.office_id)) is not None:
        message = _("Storm mode is already on (%(kind)s).", kind=STORM_KINDS[on["kind"]])
        raise StaleChange(message)
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    rounds = await _rain_rounds(staff, "before", happened)
    await StormEvent.insert(
        StormEvent(
            id=m.id,
            office=staff.office_id,
            kind=data.kind,
            note=data.note.strip(),
            started_at=happened,
            started_by=staff.id,
            duty_manager=data.duty_manager_id,
            rain_rounds=rounds,
        )
    )
    kind = STORM_KINDS[data.kind]
    body = _(
        "Stay at the office until storm mode is switched off. Duty manager: %(name)s, on site within 30 minutes.",
        name=manager[0].display_name,
    )
    if data.note.strip():
        body += " " + data.note.strip()
    for person in people:
        await alerts.raise_alert(
            office_id=staff.office_id,
            kind="storm_standby",
            title=_("%(kind)s: everyone stand by", kind=kind),
            body=body,
            url="/supervision/storm",
            recipients=[person.id],
            raised_by=staff.id,
            source=f"storm:{m.id}:{person.id}",
            now=ctx.received_at,
        )


async def _storm_for_change(ctx: ApplyContext, storm_id: UUID) -> dict:
    row = (
        await StormEvent.select()
        .where((StormEvent.id == storm_id) & (StormEvent.office == ctx.staff.office_id))
        .first()
    )
    if row is None:
        raise RuleViolation("no_storm", _("That storm is not in your office."), field="storm_id")
    if row["ended_at"] is not None:
        raise StaleChange(_("Storm mode was already switched off."))
    return row


def arrival_late(started_at: datetime, arrived_at: datetime) -> bool:
    """G3: on site within 30 minutes; at 30 minutes exactly is in time."""
    return arrived_at - started_at > ARRIVAL_LIMIT


async def apply_arrived(ctx: ApplyContext, m: StormArrived) -> None:
    row = await _storm_for_change(ctx, m.data.storm_id)
    if ctx.staff.id != row["duty_manager"] and ctx.staff.role not in SWITCHERS:
        raise RuleViolation("forbidden", _("Only the duty manager, the supervisor or the manager records this."))
    if row["arrived_at"] is not None:
        raise StaleChange(_("The duty manager's arrival was already recorded."))
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    started = aware(row["started_at"])
    happened = max(happened, started)
    await StormEvent.update(
        {StormEvent.arrived_at: happened, StormEvent.arrival_late: arrival_late(started, happened)}
    ).where(StormEvent.id == row["id"])


async def apply_check(ctx: ApplyContext, m: StormCheck) -> None:
    if ctx.staff.role not in SWITCHERS | {"duty", "dept_head", "engineering_lead"}:
        raise RuleViolation("forbidden", _("Only the supervisor or the manager switches storm mode."))
    if m.data.item not in CHECKLIST:
        raise RuleViolation("bad_item", _("Choose a value from the list."), field="item")
    row = await _storm_for_change(ctx, m.data.storm_id)
    done = set(msgspec.json.decode(row["checklist"] or "[]"))
    done = done | {m.data.item} if m.data.done else done - {m.data.item}
    items = [code for code in CHECKLIST if code in done]
    await StormEvent.update({StormEvent.checklist: msgspec.json.encode(items).decode()}).where(
        StormEvent.id == row["id"]
    )


async def apply_off(ctx: ApplyContext, m: StormOff) -> None:
    _require_switcher(ctx.staff)
    row = await _storm_for_change(ctx, m.data.storm_id)
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    rounds = await _rain_rounds(ctx.staff, "after", happened)
    values: dict[Any, Any] = {
        StormEvent.ended_at: max(happened, aware(row["started_at"])),
        StormEvent.ended_by: ctx.staff.id,
        StormEvent.summary: m.data.summary.strip(),
        StormEvent.rain_rounds: row["rain_rounds"] + rounds,
    }
    await StormEvent.update(values).where(StormEvent.id == row["id"])


def decorate(row: dict, staff: CurrentStaff, now: datetime) -> dict:
    started = aware(row["started_at"])
    done = msgspec.json.decode(row["checklist"] or "[]")
    return {
        **row,
        "kind_label": STORM_KINDS.get(row["kind"], row["kind"]),
        "started_local": local(started, staff.tz),
        "arrived_local": local(row["arrived_at"], staff.tz),
        "ended_local": local(row["ended_at"], staff.tz),
        "arrive_by_local": local(started + ARRIVAL_LIMIT, staff.tz),
        "waiting_late": row["arrived_at"] is None and arrival_late(started, now),
        "checklist": [{"code": c, "label": label, "done": c in done} for c, label in CHECKLIST.items()],
        "checked": len(done),
    }


async def storms(staff: CurrentStaff, limit: int = 10) -> list[dict]:
    rows = (
        await StormEvent.select(
            *StormEvent.all_columns(), StormEvent.duty_manager.display_name.as_alias("duty_manager_name")
        )
        .where(StormEvent.office == staff.office_id)
        .order_by(StormEvent.started_at, ascending=False)
        .limit(limit)
    )
    return rows

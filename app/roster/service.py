"""The monthly duty roster (SPEC D1, D2, D8): holidays, the month grid, publishing.

A roster month is a draft the supervisor fills (staff × days, one shift per person and day), then
publishes. Once published it is frozen: the only changes are leave and substitutes (D4,
`app.roster.leave`), so the roster always shows who replaced whom and on whose approval.
Months and shifts (`_shifts`), the shift settings (`_settings`) and what the roster says after leave
(`_effective`) are parts of this module, re-exported here.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.auth import directory
from app.auth.roles import ROLES
from app.auth.schemas import CurrentStaff
from app.db import write_transaction
from app.errors import NotFound, RuleViolation
from app.i18n import _
from app.org.service import office_shift_templates
from app.roster._effective import (  # noqa: F401 (re-exported)
    approved_leaves,
    effective_assignments,
    my_shifts,
    on_shift_now,
    published_months,
    rostered_for,
    upcoming_shifts,
)
from app.roster._settings import MAX_SHIFTS, office_inventory, save_settings  # noqa: F401 (re-exported)
from app.roster._shifts import (  # noqa: F401 (re-exported)
    SHIFT_PRESETS,
    WEEKDAYS,
    is_night,
    month_days,
    month_key,
    next_month,
    next_shift,
    ordered_shifts,
    parse_month,
    prev_month,
    previous_shift,
    shift_bounds,
    shift_label,
    shift_name,
)
from app.roster.roles import (  # noqa: F401 (re-exported)
    DESK_ROLES,
    MID_LEVEL_ROLES,
    ROLE_ORDER,
    ROSTER_EDITORS,
    ROSTER_READERS,
    ROSTER_ROLES,
    require_editor,
    require_reader,
    roster_group,
)
from app.roster.schemas import HolidayForm
from app.roster.tables import Holiday, RosterAssignment, RosterMonth

REMINDER_DAY = 25  # D1: from the 25th the supervisor is reminded to publish next month's roster


def _now() -> datetime:
    return datetime.now(UTC)


# --- staff of the roster --------------------------------------------------------------------------


async def roster_staff(office_id: int, include_inactive_ids: set[int] | None = None) -> list[dict]:
    """The office's active staff who work by the roster, duty officers first (D1).

    NOTE: read through the auth domain's staff directory (names, roles, phones).
    """
    found = await directory.staff_of_office(office_id, roles=ROSTER_ROLES, active_only=False)
    rows: list[dict[str, Any]] = [
        {"id": p.id, "display_name": p.display_name, "role": p.role, "phone": p.phone, "is_active": p.is_active}
        for p in found
    ]
    keep = include_inactive_ids or set()
    rows = [r for r in rows if r["is_active"] or r["id"] in keep]
    rows.sort(key=lambda r: (ROLE_ORDER.index(r["role"]), r["display_name"], r["id"]))
    return rows


async def staff_names(office_id: int) -> dict[int, str]:
    return {p.id: p.display_name for p in await directory.staff_of_office(office_id, active_only=False)}


# --- holidays (D8) ------------------------------------------------------------------------------------


async def holidays_between(office_id: int, start: date, end: date) -> dict[date, str]:
    rows = await Holiday.select(Holiday.day, Holiday.name).where(
        (Holiday.office == office_id) & (Holiday.day >= start) & (Holiday.day <= end)
    )
    return {r["day"]: r["name"] for r in rows}


async def list_holidays(actor: CurrentStaff, year: int) -> list[dict]:
    require_reader(actor, actor.office_id)
    return (
        await Holiday.select(Holiday.id, Holiday.day, Holiday.name)
        .where(
            (Holiday.office == actor.office_id)
            & (Holiday.day >= date(year, 1, 1))
            & (Holiday.day <= date(year, 12, 31))
        )
        .order_by(Holiday.day)
    )


async def add_holiday(actor: CurrentStaff, form: HolidayForm) -> None:
    require_editor(actor)
    if await Holiday.exists().where((Holiday.office == actor.office_id) & (Holiday.day == form.day)):
        raise RuleViolation("holiday_exists", _("This day is already in the calendar."), field="day")
    await Holiday.insert(Holiday(office=actor.office_id, day=form.day, name=form.name.strip(), created_by=actor.id))


async def delete_holiday(actor: CurrentStaff, holiday_id: int) -> None:
    require_editor(actor)
    if not await Holiday.exists().where((Holiday.id == holiday_id) & (Holiday.office == actor.office_id)):
        raise NotFound()
    await Holiday.delete().where((Holiday.id == holiday_id) & (Holiday.office == actor.office_id))


# --- the month grid (D1) ------------------------------------------------------------------------------


async def get_month(office_id: int, month: date) -> dict | None:
    return (
        await RosterMonth.select(
            RosterMonth.id,
            RosterMonth.month,
            RosterMonth.status,
            RosterMonth.published_at,
            RosterMonth.published_by.display_name.as_alias("published_by_name"),
        )
        .where((RosterMonth.office == office_id) & (RosterMonth.month == month))
        .first()
    )


def published_late(month_row: dict | None, tz: ZoneInfo) -> bool:
    """D1: a roster is due before its month starts; published on or after the 1st is late."""
    if not month_row or month_row["status"] != "published" or month_row["published_at"] is None:
        return False
    published = month_row["published_at"]
    published = published if published.tzinfo else published.replace(tzinfo=UTC)
    return published.astimezone(tz).date() >= month_row["month"]


async def save_grid(actor: CurrentStaff, month: date, cells: dict[tuple[int, date], str]) -> int:
    """Replace a draft month's cells (staff, day) → shift code. Returns the number of shifts rostered.

    A published month is frozen (D4: after publication, only leave and substitutes change it)."""
    require_editor(actor)
    templates = await office_shift_templates(actor.office_id)
    codes = {s["code"] for s in templates}
    staff_ids = {r["id"] for r in await roster_staff(actor.office_id)}
    days = set(month_days(month))
    rows = []
    for (staff_id, day), code in cells.items():
        if not code:
            continue
        if staff_id not in staff_ids:
            raise RuleViolation("staff_not_on_roster", _("Someone in the grid is not on this office's roster."))
        if day not in days:
            raise RuleViolation("day_not_in_month", _("A day in the grid is not in this month."))
        if code not in codes:
            raise RuleViolation("unknown_shift", _("Choose a shift from the office's shift templates."))
        rows.append(RosterAssignment(office=actor.office_id, month=month, day=day, shift_code=code, staff=staff_id))
    async with write_transaction():
        existing = await get_month(actor.office_id, month)
        if existing and existing["status"] == "published":
            message = _(
                "The roster of %(month)s is published. Changes now go through leave and substitutes.",
                month=month_key(month),
            )
            raise RuleViolation("roster_published", message)
        if existing is None:
            await RosterMonth.insert(RosterMonth(office=actor.office_id, month=month, status="draft"))
        else:
            await RosterMonth.update({RosterMonth.updated_at: _now()}).where(RosterMonth.id == existing["id"])
        await RosterAssignment.delete().where(
            (RosterAssignment.office == actor.office_id) & (RosterAssignment.month == month)
        )
        if rows:
            await RosterAssignment.insert(*rows)
    return len(rows)


async def holidays_without_manager(office_id: int, month: date) -> list[tuple[date, str]]:
    """D8: holidays of the month on which no mid-level manager or above works — by the roster after
    leave and substitutes, so approved leave of the day's only manager shows here until covered."""
    days = month_days(month)
    holidays = await holidays_between(office_id, days[0], days[-1])
    if not holidays:
        return []
    rows = [
        r
        for r in await effective_assignments(office_id, days[0], days[-1], include_drafts=True)
        if r["day"] in holidays and r["staff_id"] is not None
    ]
    ids = list({r["staff_id"] for r in rows})
    roles = {p.id: p.role for p in await directory.people(ids)}
    covered = {r["day"] for r in rows if roles.get(r["staff_id"]) in MID_LEVEL_ROLES}
    return [(day, name) for day, name in sorted(holidays.items()) if day not in covered]


async def publish(actor: CurrentStaff, month: date) -> bool:
    """Publish a month's roster (D1). Refused, naming the dates, while a holiday has no mid-level
    manager on duty (D8). Returns True when it was published late (on or after the month's first day)."""
    require_editor(actor)
    async with write_transaction():
        row = await get_month(actor.office_id, month)
        if row is None or not await RosterAssignment.exists().where(
            (RosterAssignment.office == actor.office_id) & (RosterAssignment.month == month)
        ):
            raise RuleViolation("roster_empty", _("The roster of %(month)s is empty.", month=month_key(month)))
        if row["status"] == "published":
            raise RuleViolation("already_published", _("This roster is already published."))
        missing = await holidays_without_manager(actor.office_id, month)
        if missing:
            dates = "、".join(f"{day.isoformat()}（{name}）" for day, name in missing)
            message = _(
                "Not published: on %(dates)s no mid-level manager or above (supervisor, manager or "
                "engineering lead) is on duty. Holidays need one.",
                dates=dates,
            )
            raise RuleViolation("holiday_without_manager", message)
        now = _now()
        await RosterMonth.update(
            {
                RosterMonth.status: "published",
                RosterMonth.published_at: now,
                RosterMonth.published_by: actor.id,
                RosterMonth.updated_at: now,
            }
        ).where(RosterMonth.id == row["id"])
    return now.astimezone(actor.tz).date() >= month


async def month_view(actor: CurrentStaff, office_id: int, month: date) -> dict:
    """The month grid as people read it: per staff and day the shift, leave and substitutes; holidays;
    uncovered shifts; whether it was published late. Drafts are shown to the supervisor and manager only."""
    require_reader(actor, office_id)
    tz = actor.tz
    row = await get_month(office_id, month)
    can_see_draft = actor.role in (ROSTER_EDITORS | {"manager"}) and office_id == actor.office_id
    visible = row is not None and (row["status"] == "published" or can_see_draft)
    days = month_days(month)
    templates = await office_shift_templates(office_id)
    assignments = await effective_assignments(office_id, days[0], days[-1], include_drafts=True) if visible else []
    in_grid = {a["rostered_id"] for a in assignments} | {a["staff_id"] for a in assignments if a["staff_id"]}
    people = await roster_staff(office_id, include_inactive_ids=in_grid)
    cells: dict[tuple[int, date], list[dict]] = {}
    for a in assignments:
        cells.setdefault((a["rostered_id"], a["day"]), []).append({**a, "role_in_cell": "rostered"})
        if a["kind"] == "substitute":
            cells.setdefault((a["staff_id"], a["day"]), []).append({**a, "role_in_cell": "substitute"})
    covered = {(a["day"], a["shift_code"]) for a in assignments if a["staff_id"] is not None}
    uncovered = [(d, s["code"]) for d in days for s in ordered_shifts(templates) if (d, s["code"]) not in covered]
    changes = [a for a in assignments if a["leave"]]
    mine = sorted(
        ((day, cell) for (pid, day), entries in cells.items() if pid == actor.id for cell in entries),
        key=lambda pair: pair[0],
    )
    return {
        "month": month,
        "month_key": month_key(month),
        "prev_key": month_key(prev_month(month)),
        "next_key": month_key(next_month(month)),
        "row": row if visible else None,
        "status": row["status"] if visible and row is not None else "none",
        "late": published_late(row, tz) if visible else False,
        "days": days,
        "people": people,
        "cells": cells,
        "shifts": ordered_shifts(templates),
        "shift_names": {s["code"]: s["name"] for s in templates},
        "holidays": await holidays_between(office_id, days[0], days[-1]),
        "uncovered": uncovered if visible and assignments else [],
        "holidays_uncovered": await holidays_without_manager(office_id, month) if visible and assignments else [],
        "changes": changes,
        "mine": mine,
        "weekdays": WEEKDAYS,
        "roles": ROLES,
        "can_edit": actor.role in ROSTER_EDITORS and office_id == actor.office_id,
    }


async def draft_cells(actor: CurrentStaff, month: date) -> dict[str, str]:
    """The editor's form values: `c_<staff>_<day>` → shift code, from the saved draft or, for a new
    month, nothing (the supervisor may copy the previous month's weekly pattern)."""
    require_editor(actor)
    rows = await RosterAssignment.select(
        RosterAssignment.staff, RosterAssignment.day, RosterAssignment.shift_code
    ).where((RosterAssignment.office == actor.office_id) & (RosterAssignment.month == month))
    return {f"c_{r['staff']}_{r['day'].day}": r["shift_code"] for r in rows}


async def copied_pattern(actor: CurrentStaff, month: date) -> dict[str, str]:
    """A starting point for a new month: each person works the shift they worked on the same weekday
    in the last full week of the previous month."""
    require_editor(actor)
    previous = prev_month(month)
    days = month_days(previous)[-7:]
    rows = await RosterAssignment.select(
        RosterAssignment.staff, RosterAssignment.day, RosterAssignment.shift_code
    ).where((RosterAssignment.office == actor.office_id) & RosterAssignment.day.is_in(days))
    by_weekday = {(r["staff"], r["day"].weekday()): r["shift_code"] for r in rows}
    return {
        f"c_{staff_id}_{day.day}": code
        for day in month_days(month)
        for (staff_id, weekday), code in by_weekday.items()
        if weekday == day.weekday()
    }


def parse_grid(values: dict[str, str], month: date) -> dict[tuple[int, date], str]:
    """Form fields `c_<staff id>_<day of month>` → {(staff id, date): shift code}."""
    cells: dict[tuple[int, date], str] = {}
    last = calendar.monthrange(month.year, month.month)[1]
    for key, value in values.items():
        m = re.fullmatch(r"c_(\d+)_(\d{1,2})", key)
        if not m or not isinstance(value, str):
            continue
        day = int(m.group(2))
        if not 1 <= day <= last:
            raise RuleViolation("day_not_in_month", _("A day in the grid is not in this month."))
        cells[(int(m.group(1)), month.replace(day=day))] = value.strip()
    return cells

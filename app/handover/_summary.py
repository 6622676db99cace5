"""The monthly duty summary, printable like the paper form (SPEC D1, D4, D8, H1, H5)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from app.auth.schemas import CurrentStaff
from app.handover._checks import arrived_late
from app.handover.desk import check_office
from app.handover.tables import Handover
from app.org.service import office_shift_templates
from app.roster.service import (
    MID_LEVEL_ROLES,
    effective_assignments,
    get_month,
    holidays_between,
    month_days,
    month_key,
    next_month,
    prev_month,
    published_late,
    roster_staff,
    shift_bounds,
)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def duty_summary(staff: CurrentStaff, office_id: int, month: date) -> dict:
    """The month on one page, like the paper summary: per person shifts rostered and worked, leave,
    substitutions, handovers given and taken, late arrivals (H1), refusals (H5); holiday duty (D8)."""
    check_office(staff, office_id)
    tz = staff.tz
    days = month_days(month)
    templates = await office_shift_templates(office_id)
    assignments = await effective_assignments(office_id, days[0], days[-1])
    handovers = (
        await Handover.select(
            Handover.status,
            Handover.outgoing,
            Handover.incoming,
            Handover.to_date,
            Handover.to_code,
            Handover.arrived_at,
        )
        .where((Handover.office == office_id) & (Handover.from_date >= days[0]) & (Handover.from_date <= days[-1]))
        .output(load_json=True)
    )
    ids = {a["rostered_id"] for a in assignments} | {a["staff_id"] for a in assignments if a["staff_id"]}
    ids |= {h["outgoing"] for h in handovers} | {h["incoming"] for h in handovers if h["incoming"]}
    people = await roster_staff(office_id, include_inactive_ids=ids)
    stats: dict[int, dict[str, Any]] = {
        p["id"]: {
            "person": p,
            "rostered": 0,
            "worked": 0,
            "leave": 0,
            "substitute": 0,
            "given": 0,
            "taken": 0,
            "late": 0,
            "refused_by": 0,
            "refused_to": 0,
        }
        for p in people
        if p["id"] in ids or p["role"] in ("duty", "frontdesk")
    }
    for a in assignments:
        if a["rostered_id"] in stats:
            stats[a["rostered_id"]]["rostered"] += 1
            if a["kind"] != "rostered":
                stats[a["rostered_id"]]["leave"] += 1
        if a["staff_id"] in stats:
            stats[a["staff_id"]]["worked"] += 1
            if a["kind"] == "substitute":
                stats[a["staff_id"]]["substitute"] += 1
    for h in handovers:
        out, inc = stats.get(h["outgoing"]), stats.get(h["incoming"])
        if h["status"] == "accepted":
            if out:
                out["given"] += 1
            if inc:
                inc["taken"] += 1
                arrived = _aware(h["arrived_at"])
                start = shift_bounds(h["to_date"], h["to_code"], templates, tz)[0]
                if arrived_late(start, arrived):
                    inc["late"] += 1
        elif h["status"] == "refused":
            if out:
                out["refused_to"] += 1
            if inc:
                inc["refused_by"] += 1
    holidays = await holidays_between(office_id, days[0], days[-1])
    holiday_duty = [
        {
            "day": day,
            "name": name,
            "people": [
                {
                    "name": a["staff_name"],
                    "mid": a["staff_id"] in stats and stats[a["staff_id"]]["person"]["role"] in MID_LEVEL_ROLES,
                    "shift": a["shift_code"],
                }
                for a in assignments
                if a["day"] == day and a["staff_id"]
            ],
        }
        for day, name in sorted(holidays.items())
    ]
    row = await get_month(office_id, month)
    return {
        "month": month,
        "month_key": month_key(month),
        "prev_key": month_key(prev_month(month)),
        "next_key": month_key(next_month(month)),
        "rows": list(stats.values()),
        "holiday_duty": holiday_duty,
        "month_row": row,
        "late": published_late(row, tz),
        "handover_count": sum(1 for h in handovers if h["status"] == "accepted"),
        "refusal_count": sum(1 for h in handovers if h["status"] == "refused"),
        "shift_names": {s["code"]: s["name"] for s in templates},
        "mid_level": MID_LEVEL_ROLES,
    }

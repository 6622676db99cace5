"""What the roster adds to the home page (D1, D4), and who the duty officer calls (D6, D7)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from app.auth import directory
from app.auth.schemas import CurrentStaff
from app.i18n import _, lazy
from app.org.service import office_shift_templates
from app.roster import leave
from app.roster.schemas import EscalationContact
from app.roster.service import (
    REMINDER_DAY,
    ROSTER_EDITORS,
    ROSTER_ROLES,
    get_month,
    holidays_without_manager,
    month_key,
    my_shifts,
    next_month,
    published_late,
    shift_name,
)

# D6/D7: difficult issues → the supervisor; major ones → the manager; security and engineering heads
# keep their phones on after hours.
CONTACT_GROUPS: dict[str, str] = {
    "supervisor": lazy("Service-centre supervisor"),
    "manager": lazy("Office manager"),
    "security_head": lazy("Security head"),
    "engineering_head": lazy("Engineering head"),
}


def _group_of(role: str, department: str | None) -> str | None:
    if role in ("supervisor", "manager"):
        return role
    if role == "engineering_lead" or (role == "dept_head" and department == "engineering"):
        return "engineering_head"
    if role == "dept_head" and department == "security":
        return "security_head"
    return None


async def escalation_contacts(office_id: int, on_shift_ids: set[int]) -> list[EscalationContact]:
    """The office's escalation contacts in the order the duty officer calls them (D6, D7)."""
    rows = [msgspec.structs.asdict(p) for p in await directory.staff_of_office(office_id)]
    order = list(CONTACT_GROUPS)
    contacts = []
    for r in rows:
        group = _group_of(r["role"], r["department"])
        if group is None:
            continue
        contacts.append(
            EscalationContact(
                group=group,
                group_label=str(CONTACT_GROUPS[group]),
                staff_id=r["id"],
                name=r["display_name"],
                phone=r["phone"] or "",
                on_shift=r["id"] in on_shift_ids,
            )
        )
    contacts.sort(key=lambda c: (order.index(c.group), not c.on_shift, c.name))
    return contacts


async def home_sections(staff: CurrentStaff, now: datetime) -> list[dict]:
    """My next shifts (everyone on the roster); for the supervisor, the D1 reminder and the D4 queue."""
    sections: list[dict] = []
    if staff.role not in ROSTER_ROLES:
        return sections
    tz = staff.tz
    today = now.astimezone(tz).date()
    templates = await office_shift_templates(staff.office_id)
    shifts = await my_shifts(staff, today, 7)
    items = []
    for r in shifts:
        text = shift_name(r["shift_code"], templates)
        flag = ""
        if r["rostered_id"] == staff.id and r["kind"] == "leave":
            text, flag = _("%(shift)s — on leave, no substitute yet", shift=text), "warn"
        elif r["rostered_id"] == staff.id and r["kind"] == "substitute":
            text = _("%(shift)s — on leave, %(name)s replaces you", shift=text, name=r["staff_name"])
        elif r["kind"] == "substitute":
            text = _("%(shift)s — replacing %(name)s", shift=text, name=r["rostered_name"])
        items.append({"text": text, "meta": r["day"].strftime("%m-%d"), "flag": flag})
    sections.append(
        {
            "title": _("My shifts"),
            "href": "/roster",
            "items": items,
            "empty": _("No shifts for you in the next 7 days."),
        }
    )
    if staff.role in ROSTER_EDITORS:
        sections.append(await _supervisor_section(staff, today, tz))
    return sections


async def _supervisor_section(staff: CurrentStaff, today, tz: ZoneInfo) -> dict:
    items = []
    this_month = today.replace(day=1)
    current = await get_month(staff.office_id, this_month)
    if current is None or current["status"] != "published":
        text = _("The roster of %(month)s is not published: staff have no roster.", month=month_key(this_month))
        items.append({"text": text, "meta": month_key(this_month), "flag": "major"})
    elif published_late(current, tz):
        text = _("The roster of %(month)s was published late.", month=month_key(this_month))
        items.append({"text": text, "meta": month_key(this_month), "flag": "warn"})
    coming = next_month(this_month)
    if today.day >= REMINDER_DAY:
        upcoming = await get_month(staff.office_id, coming)
        if upcoming is None or upcoming["status"] != "published":
            due = coming - timedelta(days=1)
            text = _("Publish the roster of %(month)s by %(due)s.", month=month_key(coming), due=due.isoformat())
            items.append({"text": text, "meta": month_key(coming), "flag": "warn"})
    if current is not None and current["status"] == "published":
        for day, name in await holidays_without_manager(staff.office_id, this_month):
            if day >= today:
                text = _("%(day)s (%(name)s) has no mid-level manager on duty.", day=day.isoformat(), name=name)
                items.append({"text": text, "meta": "D8", "flag": "major"})
    waiting = await leave.pending_leave_count(staff.office_id)
    if waiting:
        items.append({"text": _("%(n)s leave requests need you.", n=waiting), "meta": "", "flag": "warn"})
    return {
        "title": _("Roster and leave"),
        "href": "/roster/leave"
        if waiting
        else f"/roster?month={month_key(coming if today.day >= REMINDER_DAY else this_month)}",
        "items": items,
        "empty": _("The roster is in order."),
    }

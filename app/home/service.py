"""What each role sees on its home page today. Later domains add their sections here."""

from __future__ import annotations

from datetime import datetime

from app.alerts import home as alerts
from app.auth.schemas import CurrentStaff
from app.duty import service as duty
from app.followups import service as followups
from app.handover import records as handover
from app.i18n import _
from app.keys import home as keys
from app.nav import DUTY_LOG_READERS
from app.patrols import service as patrols
from app.roster import home as roster
from app.web import office_tz
from app.work import service as work


async def today(staff: CurrentStaff) -> dict:
    tz = office_tz(staff)
    now = datetime.now(tz)
    sections: list[dict] = []
    if staff.role in DUTY_LOG_READERS:
        entries = await duty.entries_for_day(staff, staff.office_id, now.date())
        sections.append(
            {
                "title": _("Duty log today"),
                "href": "/duty-log",
                "items": [
                    {"text": e["text"], "meta": e["recorded_local"].strftime("%H:%M"), "flag": e["escalation"]}
                    for e in entries[-5:][::-1]
                ],
                "empty": _("No entries yet today."),
            }
        )
    if staff.role in duty.ESCALATION_READERS:
        open_escalations = await duty.escalated_entries(staff, staff.office_id, limit=5)
        sections.append(
            {
                "title": _("Escalated from the duty log"),
                "href": "/duty-log/escalated",
                "items": [
                    {"text": e["text"], "meta": e["recorded_local"].strftime("%m-%d %H:%M"), "flag": e["escalation"]}
                    for e in open_escalations
                ],
                "empty": _("Nothing escalated."),
            }
        )
    sections.extend(await patrols.home_sections(staff))
    shifts = await roster.home_sections(staff, now)
    if staff.role == "technician":  # their orders are the day's work; shifts come after
        sections.extend(await work.home_sections(staff, work.now()))  # C4, W4, W5, W8
        sections.extend(shifts)
    else:
        sections.extend(shifts)
        sections.extend(await handover.home_sections(staff, now))
        sections.extend(await work.home_sections(staff, work.now()))  # C4, W4, W5, W8
    sections.extend(await followups.home_sections(staff, work.now()))  # F1–F6, C3
    sections[:0] = await keys.home_sections(staff, work.now())  # K2: keys out, overdue flagged
    sections[:0] = await alerts.home_sections(staff)  # open alerts first
    return {"now": now, "sections": sections}

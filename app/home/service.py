"""What each role sees on its home page today: each domain's service gives its own sections
(the open alerts first). Later domains add their sections here."""

from __future__ import annotations

from app import clock
from app.alerts import home as alerts
from app.auth.schemas import CurrentStaff
from app.duty import service as duty
from app.followups import service as followups
from app.handover import records as handover
from app.keys import home as keys
from app.movein import home as movein
from app.notices import home as notices
from app.patrols import service as patrols
from app.roster import home as roster
from app.slips import home as slips
from app.supervision import home as supervision
from app.visitors import home as visitors
from app.work import service as work


async def today(staff: CurrentStaff) -> dict:
    now = clock.now().astimezone(staff.tz)
    sections: list[dict] = [*await duty.home_sections(staff, now.date()), *await patrols.home_sections(staff)]
    shifts = await roster.home_sections(staff, now)
    if staff.role == "technician":  # their orders are the day's work; shifts come after
        sections.extend(await work.home_sections(staff, work.now()))  # C4, W4, W5, W8
        sections.extend(shifts)
    else:
        sections.extend(shifts)
        sections.extend(await handover.home_sections(staff, now))
        sections.extend(await work.home_sections(staff, work.now()))  # C4, W4, W5, W8
    sections.extend(await followups.home_sections(staff, work.now()))  # F1–F6, C3
    sections[:0] = await supervision.home_sections(staff, work.now())  # G1–G3, P4, W8
    sections.extend(await movein.home_sections(staff, now.date()))  # M2: defects waiting for the developer
    sections.extend(await notices.home_sections(staff, work.now()))  # N1: the notice board's next change
    sections[:0] = await keys.home_sections(staff, work.now())  # K2: keys out, overdue flagged
    sections[:0] = await slips.home_sections(staff, now.date())  # R1: slips still to be released
    sections[:0] = await visitors.home_sections(staff)  # V1: residents to call about their visitors
    sections[:0] = await alerts.home_sections(staff)  # open alerts first
    return {"now": now, "sections": sections}

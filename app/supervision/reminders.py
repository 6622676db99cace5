"""Reminders of the supervisor's reports (SPEC G1, G2): on the day a report is due (and after, while
it is late) each supervisor of the office gets one alert for it — a background step every few
minutes (app.background.Periodic), idempotent by the alert's source."""

from __future__ import annotations

import logging
from datetime import datetime

from app import clock
from app.alerts import service as alerts
from app.auth import directory
from app.background import Periodic
from app.i18n import _
from app.org.service import all_office_ids, get_office
from app.supervision import deadlines
from app.supervision._reports import KIND_LABELS
from app.supervision.tables import SupervisionReport

log = logging.getLogger("app.supervision")
INTERVAL_SECONDS = 300.0


async def remind_office(office_id: int, tz, now: datetime) -> int:
    """Alert the office's supervisors of each periodic report due today or late, not yet submitted."""
    supervisors = [p.id for p in await directory.staff_of_office(office_id, roles=["supervisor"])]
    if not supervisors:
        return 0
    raised = 0
    for kind, period in deadlines.current_periods(now, tz):
        w = deadlines.window(kind, period, tz)
        if now < w.opens_at or ((w.due_at - now).days >= 1 and kind != "weekly"):
            continue  # remind on the last day, and after it while late
        if await SupervisionReport.exists().where(
            (SupervisionReport.office == office_id)
            & (SupervisionReport.kind == kind)
            & (SupervisionReport.period == period)
            & (SupervisionReport.state == "submitted")
        ):
            continue
        late = now >= w.due_at
        await alerts.raise_alert(
            office_id=office_id,
            kind="report_due",
            title=f"{KIND_LABELS[kind]}：" + (_("late") if late else _("due today")),
            url=f"/supervision/reports/{kind}/{period}",
            recipients=supervisors,
            source=f"report:{kind}:{period}:{'late' if late else 'due'}",
            now=now,
        )
        raised += 1
    return raised


async def remind_all() -> None:
    now = clock.now()
    for office_id in await all_office_ids():
        office = await get_office(office_id)
        await remind_office(office_id, clock.zone(office.get("time_zone")), now)


_reminders = Periodic("supervision-reminders", remind_all, INTERVAL_SECONDS, log)
start_reminders, stop_reminders = _reminders.start, _reminders.stop

"""P5's weekly due rounds, made by a background step — never by a page view (no writes on GET).

`make_weekly_tasks()` runs when the app starts and then every few minutes (with the alerts worker and
the follow-up scheduler; off in tests, which call `ensure_weekly_tasks` with their own day); a new or
re-activated entrusted-homes route gets this week's round when it is saved (`_setup`). Idempotent:
several instances running it at once make nothing twice (unique index on the task)."""

from __future__ import annotations

import logging

from app import clock
from app.background import Periodic
from app.org.service import all_office_ids, get_office
from app.patrols._entrusted import ensure_weekly_tasks

log = logging.getLogger("app.patrols")
INTERVAL_SECONDS = 300.0


async def make_weekly_tasks() -> None:
    """This week's due round on every active entrusted-homes route of every office."""
    for office_id in await all_office_ids():
        office = await get_office(office_id)
        await ensure_weekly_tasks(office_id, clock.today(clock.zone(office.get("time_zone"))))


_weekly = Periodic("patrols-weekly", make_weekly_tasks, INTERVAL_SECONDS, log)
start_weekly, stop_weekly = _weekly.start, _weekly.stop

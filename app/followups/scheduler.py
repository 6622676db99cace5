"""The background loop that runs the generation rules (F1–F6) and the complaint deadlines (C3).

Started with the app together with the alerts worker (off in tests, which call
`generate_followups(office_id, now)` and `check_deadlines(office_id, now)` with their own clock);
`APP_FOLLOWUPS_SCHEDULER=0` switches it off on an instance. Both functions are idempotent, so
several instances running them at once make nothing twice.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

from app.background import Periodic
from app.followups.complaints import check_deadlines
from app.followups.rules import generate_followups
from app.org.service import all_office_ids

log = logging.getLogger("app.followups")
INTERVAL_SECONDS = 60.0


async def run_once(now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    for office_id in await all_office_ids():
        await generate_followups(office_id, now)
        await check_deadlines(office_id, now)


_scheduler = Periodic("followups-scheduler", run_once, INTERVAL_SECONDS, log)
stop_scheduler = _scheduler.stop


async def start_scheduler() -> None:
    if os.environ.get("APP_FOLLOWUPS_SCHEDULER", "1").lower() in {"0", "false", "no", "off"}:
        return
    await _scheduler.start()

"""SPEC G1, G2 in the demo: a new user opening this week's report or last month's report sees a draft
with figures of the weeks before (repairs, complaints, follow-ups), not zeros; seeding stays fast."""

from __future__ import annotations

import re
import time

from app.clock import now as clock_now
from app.clock import zone
from app.demo import DEMO_PASSWORD, demo_exists, seed_demo
from app.supervision import deadlines


async def test_g1_g2_the_demo_drafts_of_last_week_and_last_month_have_figures(client, login):
    if not await demo_exists():
        started = time.monotonic()
        await seed_demo()
        print(f"demo seeded in {time.monotonic() - started:.2f} s")
        assert time.monotonic() - started < 30  # the whole demo, both offices
    await login(client, {"username": "super_a", "password": DEMO_PASSWORD})
    staff = (await client.get("/api/session")).json()
    tz = zone("Asia/Shanghai")
    today = clock_now().astimezone(tz).date()
    monday = deadlines.monday_of(today).isoformat()
    month = deadlines.previous_month(today.year, today.month)
    weekly = await client.get(f"/supervision/reports/weekly/{monday}")
    assert weekly.status_code == 200
    monthly = await client.get(f"/supervision/reports/month_report/{month[0]}-{month[1]:02d}")
    assert monthly.status_code == 200
    for page in (weekly.text, monthly.text):
        complaints = re.search(r"投诉：(\d+) 宗", page)
        followups = re.search(r"回访：应回访 (\d+) 次，已回访 (\d+) 次", page)
        assert complaints and int(complaints[1]) >= 1, page[-3000:]
        assert followups and int(followups[1]) >= 3 and int(followups[2]) >= 3
        assert re.search(r"维修：派单 ([1-9]\d*)", page)
    assert staff

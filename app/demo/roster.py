"""Demo roster of an office: a third duty officer, the year's public holidays, last month's and this
month's roster (published) and next month's (a draft the supervisor is still working on); the
technician on the day shifts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from app.auth.tables import Staff
from app.clock import zone
from app.org.service import DEFAULT_SHIFTS
from app.roster.service import month_days, next_month, prev_month
from app.roster.tables import Holiday, RosterAssignment, RosterMonth

# The State Council's 2026 public holidays (法定节假日) and New Year 2027.
PUBLIC_HOLIDAYS = [
    ("元旦", date(2026, 1, 1), 3),
    ("春节", date(2026, 2, 15), 9),
    ("清明节", date(2026, 4, 4), 3),
    ("劳动节", date(2026, 5, 1), 5),
    ("端午节", date(2026, 6, 19), 3),
    ("中秋节", date(2026, 9, 25), 3),
    ("国庆节", date(2026, 10, 1), 7),
    ("元旦", date(2027, 1, 1), 1),
]
# Three duty officers rotate through the three shifts week by week, so consecutive shifts always
# change hands; the supervisor adds a day shift on holidays (D8).
ROTATION = ["duty", "frontdesk", "duty2"]
SHIFT_CODES = [s["code"] for s in DEFAULT_SHIFTS]


def demo_assignee(day: date, code: str) -> str:
    """The username prefix of who works (day, code) in the demo roster (tests use it too)."""
    week = day.toordinal() // 7
    return ROTATION[(SHIFT_CODES.index(code) + week) % len(ROTATION)]


async def seed_roster_demo(office_id: int, key: str, password_hash: str, phone: str) -> None:
    await Staff.insert(
        Staff(
            office=office_id,
            username=f"duty2_{key}",
            display_name=f"值班员{key.upper()}2",
            role="duty",
            department="customer_service",
            phone=phone,
            password_hash=password_hash,
        )
    )
    ids = {
        r["username"].rsplit("_", 1)[0]: r["id"]
        for r in await Staff.select(Staff.id, Staff.username).where(Staff.office == office_id)
    }
    holidays = [(name, start + timedelta(days=i)) for name, start, n in PUBLIC_HOLIDAYS for i in range(n)]
    await Holiday.insert(*[Holiday(office=office_id, day=day, name=name) for name, day in holidays])
    holiday_days = {day for _name, day in holidays}
    tz = zone()
    this_month = datetime.now(tz).date().replace(day=1)
    months = ((prev_month(this_month), True), (this_month, True), (next_month(this_month), False))
    for month, published in months:
        published_at = datetime.combine(month - timedelta(days=2), time(16, 0), tz).astimezone(UTC)
        await RosterMonth.insert(
            RosterMonth(
                office=office_id,
                month=month,
                status="published" if published else "draft",
                published_at=published_at if published else None,
                published_by=ids["super"] if published else None,
            )
        )
        rows = [
            RosterAssignment(
                office=office_id, month=month, day=day, shift_code=code, staff=ids[demo_assignee(day, code)]
            )
            for day in month_days(month)
            for code in SHIFT_CODES
        ]
        rows += [
            RosterAssignment(office=office_id, month=month, day=day, shift_code="day", staff=ids["super"])
            for day in month_days(month)
            if day in holiday_days
        ]
        # The office's technician is on call on the day shift (W6); nights fall back to every technician.
        rows += [
            RosterAssignment(office=office_id, month=month, day=day, shift_code="day", staff=ids["tech"])
            for day in month_days(month)
        ]
        await RosterAssignment.insert(*rows)

"""Roles, labels and time helpers shared by follow-ups, complaints, consultations and figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from app.auth.schemas import CurrentStaff
from app.errors import Forbidden
from app.i18n import lazy
from app.org.service import office_ids_visible_to

# Who makes follow-up calls and visits: the service centre, the engineering lead (F3), the supervisor
# (F4), the manager (F5). They are also the roles that take requests (app.work INTAKE_ROLES), which
# a rectification (F6) needs.
FOLLOWUP_ROLES = frozenset({"frontdesk", "duty", "supervisor", "manager", "engineering_lead"})
RECORD_ON_BEHALF = frozenset({"supervisor", "manager"})
READERS = FOLLOWUP_ROLES | {"qa"}
# F2: whoever knows the leak test was done records its date — the desk, or the technician who did it.
LEAK_TEST_ROLES = FOLLOWUP_ROLES | {"technician"}
FIGURE_READERS = frozenset({"supervisor", "manager", "engineering_lead", "qa"})

RULES: dict[str, str] = {
    "F1": lazy("Complaint follow-up"),
    "F2": lazy("Repair phone follow-up"),
    "F3": lazy("Weekly 30% repair sample"),
    "F4": lazy("Weekly 60% paid-service sample"),
    "F4S": lazy("Paid service of 200 yuan or more"),
    "F5": lazy("Quarterly 20% repair sample"),
    "F6": lazy("Follow-up after rectification"),
}
METHODS: dict[str, str] = {"phone": lazy("Phone"), "visit": lazy("Visit")}
CLASSIFICATIONS: dict[str, str] = {
    "service": lazy("Valid: service"),
    "charges": lazy("Valid: charges"),
    "maintenance": lazy("Valid: maintenance failure"),
    "help": lazy("Communicative: help-seeking"),
    "consulting": lazy("Communicative: consulting"),
    "venting": lazy("Communicative: venting"),
}
VALID_CLASSES = ("service", "charges", "maintenance")
SEVERITIES: dict[str, str] = {"minor": lazy("Minor: handle at once"), "major": lazy("Major: to the supervisor")}
TOPICS: dict[str, str] = {
    "fees": lazy("Fees and charges"),
    "repairs": lazy("Repairs"),
    "renovation": lazy("Renovation"),
    "parking": lazy("Parking"),
    "moving": lazy("Moving in and out"),
    "security": lazy("Security and access"),
    "environment": lazy("Cleaning and landscaping"),
    "other": lazy("Other"),
}


def utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """The end of a local day (the next midnight), as an aware UTC time: a task due that day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def local_day(value: datetime, tz: tzinfo) -> date:
    return utc(value).astimezone(tz).date()


def day_start(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def week_bounds(now: datetime, tz: tzinfo) -> tuple[date, date]:
    """The previous local week, Monday to the next Monday (exclusive)."""
    today = local_day(now, tz)
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(days=7), this_monday


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def previous_quarter(now: datetime, tz: tzinfo) -> tuple[int, int, date, date]:
    year, q = quarter_of(local_day(now, tz))
    end = quarter_start(year, q)
    py, pq = (year, q - 1) if q > 1 else (year - 1, 4)
    return py, pq, quarter_start(py, pq), end


def next_quarter_label(label: str) -> str:
    year, q = int(label[:4]), int(label[-1])
    return f"{year}-Q{q + 1}" if q < 4 else f"{year + 1}-Q1"


def month_bounds(month: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """A "YYYY-MM" month of the office's calendar as a UTC range."""
    year, mon = int(month[:4]), int(month[5:7])
    start = date(year, mon, 1)
    end = date(year + (mon == 12), mon % 12 + 1, 1)
    return day_start(start, tz), day_start(end, tz)


def scope(staff: CurrentStaff, column, office: int | None = None):
    """The office condition of a query: the staff member's office, or (qa) one or every office."""
    ids = office_ids_visible_to(staff)
    if office is not None:
        if ids is not None and office not in ids:
            raise Forbidden()
        return column == office
    return column.is_in(ids) if ids is not None else None


def office_ids(staff: CurrentStaff, office: int | None = None) -> list[int] | None:
    """The offices a query covers, as `scope` decides them (None: every office)."""
    ids = office_ids_visible_to(staff)
    if office is not None:
        if ids is not None and office not in ids:
            raise Forbidden()
        return [office]
    return ids


def figure_offices(staff: CurrentStaff, office: int | None) -> list[int] | None:
    """The offices a figure covers; None: every office (qa's company view)."""
    if staff.role not in FIGURE_READERS:
        raise Forbidden()
    if office is None:
        return None if staff.sees_all_offices else [staff.office_id]
    if not staff.sees_all_offices and office != staff.office_id:
        raise Forbidden()
    return [office]


def in_offices(column, offices: list[int] | None):
    return column.is_in(offices) if offices is not None else column.is_not_null()


def month_of(now: datetime, tz: tzinfo) -> str:
    """The "YYYY-MM" month of the office's calendar that `now` falls in."""
    return utc(now).astimezone(tz).strftime("%Y-%m")

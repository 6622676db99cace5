"""When each of the supervisor's reports is due, in the office's calendar (SPEC G1, G2).

- the weekly report: every Monday (by the end of the Monday; it covers the week before);
- next month's plan: before the 30th of the month before (in February, with no 30th: by its last day);
- last month's report: by the 5th (the end of the 5th);
- a major incident's written report: the next day (by the end of the day after the incident).

A report may be written from `opens_at`; it is late when submitted at or after `due_at`.
Every time here is aware; days are the office's (its time zone `tz`)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

KINDS = ("weekly", "month_plan", "month_report", "incident")
PLAN_WINDOW_DAYS = 7  # the plan is asked for in the week before it is due


class Window(NamedTuple):
    opens_at: datetime
    due_at: datetime  # submitted at or after this instant: late


def _start(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month(period: str) -> tuple[int, int]:
    if len(period) != 7 or period[4] != "-":
        raise ValueError(period)
    year, mon = int(period[:4]), int(period[5:7])
    if not (2000 <= year <= 2100 and 1 <= mon <= 12):
        raise ValueError(period)
    return year, mon


def next_month(year: int, mon: int) -> tuple[int, int]:
    return (year + 1, 1) if mon == 12 else (year, mon + 1)


def previous_month(year: int, mon: int) -> tuple[int, int]:
    return (year - 1, 12) if mon == 1 else (year, mon - 1)


def month_label(year: int, mon: int) -> str:
    return f"{year:04d}-{mon:02d}"


def window(kind: str, period: str, tz: tzinfo) -> Window:
    """The window of one report; `period` is the Monday (YYYY-MM-DD), the month (YYYY-MM), or for an
    incident `<local day of the incident>:<entry id>`."""
    if kind == "weekly":
        monday = date.fromisoformat(period)
        if monday.weekday() != 0:
            raise ValueError(period)
        return Window(_start(monday, tz), _start(monday + timedelta(days=1), tz))
    if kind == "month_plan":  # the plan OF this month, due in the month before
        py, pm = previous_month(*_month(period))
        last = calendar.monthrange(py, pm)[1]
        due = _start(date(py, pm, 30), tz) if last >= 30 else _start(date(*next_month(py, pm), 1), tz)
        return Window(due - timedelta(days=PLAN_WINDOW_DAYS), due)
    if kind == "month_report":  # the report OF this month, due by the 5th of the next
        ny, nm = next_month(*_month(period))
        return Window(_start(date(ny, nm, 1), tz), _start(date(ny, nm, 6), tz))
    if kind == "incident":  # "<day of the incident>:<its duty-log entry>"
        day = date.fromisoformat(period[:10])
        return Window(_start(day, tz), _start(day + timedelta(days=2), tz))
    raise ValueError(kind)


def is_late(kind: str, period: str, submitted_at: datetime, tz: tzinfo) -> bool:
    return submitted_at >= window(kind, period, tz).due_at


def current_periods(at: datetime, tz: tzinfo) -> list[tuple[str, str]]:
    """The periodic reports the supervisor is asked for at `at`: this week's (from Monday), last month's
    (from the 1st), and next month's plan (in the week before it is due) — due or overdue."""
    day = at.astimezone(tz).date()
    periods = [("weekly", monday_of(day).isoformat())]
    periods.append(("month_report", month_label(*previous_month(day.year, day.month))))
    plan = month_label(*next_month(day.year, day.month))
    if at >= window("month_plan", plan, tz).opens_at:
        periods.append(("month_plan", plan))
    return periods


def status(kind: str, period: str, at: datetime, tz: tzinfo, submitted: bool) -> str:
    """submitted | due (open, before its deadline) | late (past it, not submitted) | upcoming."""
    if submitted:
        return "submitted"
    w = window(kind, period, tz)
    if at >= w.due_at:
        return "late"
    return "due" if at >= w.opens_at else "upcoming"

"""SPEC G1, G2: when the supervisor's reports are due, in the office's time zone, at their edges:
the weekly report by the end of Monday, next month's plan before the 30th (in February, by its last
day), last month's report by the 5th, an incident's report by the end of the next day."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.supervision import deadlines

TZ = ZoneInfo("Asia/Shanghai")
ONE_SECOND = timedelta(seconds=1)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def test_g1_the_weekly_report_is_due_by_the_end_of_monday_in_the_offices_time_zone():
    # Monday 2026-12-07: on time until 23:59:59 Shanghai (15:59:59 UTC), late from Tuesday 00:00.
    assert not deadlines.is_late("weekly", "2026-12-07", at(2026, 12, 7, 23, 59, 59), TZ)
    assert deadlines.is_late("weekly", "2026-12-07", at(2026, 12, 8, 0, 0, 0), TZ)
    w = deadlines.window("weekly", "2026-12-07", TZ)
    assert w.due_at == datetime(2026, 12, 7, 16, 0, tzinfo=ZoneInfo("UTC"))
    assert deadlines.status("weekly", "2026-12-07", at(2026, 12, 6, 23, 59, 59), TZ, False) == "upcoming"
    assert deadlines.status("weekly", "2026-12-07", at(2026, 12, 7, 0, 0), TZ, False) == "due"
    assert deadlines.status("weekly", "2026-12-07", at(2026, 12, 8, 0, 0), TZ, False) == "late"
    # Another time zone moves the edge: the same UTC instant is still Monday in Urumqi.
    urumqi = ZoneInfo("Asia/Urumqi")
    assert not deadlines.is_late("weekly", "2026-12-07", at(2026, 12, 8, 0, 30), urumqi)


def test_g1_a_weekly_period_is_a_monday():
    with pytest.raises(ValueError):
        deadlines.window("weekly", "2026-12-08", TZ)
    assert deadlines.monday_of(at(2026, 12, 13).date()).isoformat() == "2026-12-07"


def test_g1_next_months_plan_is_due_before_the_30th():
    # The plan of January 2027: on time until 29 December 23:59:59, late from the 30th 00:00.
    assert not deadlines.is_late("month_plan", "2027-01", at(2026, 12, 29, 23, 59, 59), TZ)
    assert deadlines.is_late("month_plan", "2027-01", at(2026, 12, 30, 0, 0, 0), TZ)
    assert deadlines.window("month_plan", "2027-01", TZ).opens_at == deadlines.window(
        "month_plan", "2027-01", TZ
    ).due_at - timedelta(days=7)


def test_g1_in_february_with_no_30th_the_plan_is_due_by_its_last_day():
    # 2027 (28 days): the plan of March is on time on 28 February 23:59:59, late on 1 March.
    assert not deadlines.is_late("month_plan", "2027-03", at(2027, 2, 28, 23, 59, 59), TZ)
    assert deadlines.is_late("month_plan", "2027-03", at(2027, 3, 1, 0, 0), TZ)
    # 2028 is a leap year: 29 February is still in time.
    assert not deadlines.is_late("month_plan", "2028-03", at(2028, 2, 29, 23, 59, 59), TZ)
    assert deadlines.is_late("month_plan", "2028-03", at(2028, 3, 1, 0, 0), TZ)
    # April has a 30th: the plan of May is late on 30 April.
    assert deadlines.is_late("month_plan", "2027-05", at(2027, 4, 30, 0, 0), TZ)


def test_g1_last_months_report_is_due_by_the_5th():
    assert not deadlines.is_late("month_report", "2026-12", at(2027, 1, 5, 23, 59, 59), TZ)
    assert deadlines.is_late("month_report", "2026-12", at(2027, 1, 6, 0, 0), TZ)
    assert deadlines.status("month_report", "2026-12", at(2026, 12, 31, 23, 59), TZ, False) == "upcoming"
    assert deadlines.status("month_report", "2026-12", at(2027, 1, 1, 0, 0), TZ, False) == "due"


def test_g2_an_incidents_report_is_due_by_the_end_of_the_next_day():
    period = "2026-12-03:00000000-0000-0000-0000-000000000001"
    assert not deadlines.is_late("incident", period, at(2026, 12, 4, 23, 59, 59), TZ)
    assert deadlines.is_late("incident", period, at(2026, 12, 5, 0, 0), TZ)


def test_g1_the_reports_asked_for_now():
    # 29 December: this week's report, November's report (late), January's plan (due today).
    periods = deadlines.current_periods(at(2026, 12, 29, 12, 0), TZ)
    assert periods == [("weekly", "2026-12-28"), ("month_report", "2026-11"), ("month_plan", "2027-01")]
    # 21 December: the plan is not asked for yet (its week starts on the 23rd).
    assert ("month_plan", "2027-01") not in deadlines.current_periods(at(2026, 12, 22, 23, 59), TZ)
    assert ("month_plan", "2027-01") in deadlines.current_periods(at(2026, 12, 23, 0, 0), TZ)


@pytest.mark.parametrize("period", ["2026-13", "1999-01", "abc", "2026-1"])
def test_a_bad_month_is_refused(period):
    with pytest.raises(ValueError):
        deadlines.window("month_report", period, TZ)

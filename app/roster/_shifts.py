"""Months and shifts as the roster and the handover read them (SPEC D2): pure functions, no database."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.errors import NotFound
from app.i18n import lazy
from app.org.service import DEFAULT_SHIFTS

# D2: the shift patterns seen in the seed offices, offered as starting points on the settings page.
SHIFT_PRESETS: dict[str, tuple[str, list[dict]]] = {
    "three": (lazy("08:30–16:30, 16:30–23:30 and a night shift"), DEFAULT_SHIFTS),
    "two": (
        lazy("09:00–21:00 and 20:00–09:00"),
        [
            {"code": "day", "name": "白班", "start": "09:00", "end": "21:00"},
            {"code": "night", "name": "夜班", "start": "20:00", "end": "09:00"},
        ],
    ),
    "evening": (
        lazy("Evening duty 18:00–22:00"),
        [{"code": "evening", "name": "晚班", "start": "18:00", "end": "22:00"}],
    ),
}

WEEKDAYS = [lazy("Mon"), lazy("Tue"), lazy("Wed"), lazy("Thu"), lazy("Fri"), lazy("Sat"), lazy("Sun")]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# --- months and shifts ----------------------------------------------------------------------------


def parse_month(value: str) -> date:
    """`2026-11` → the first day of that month; NotFound for anything else (it is a URL part)."""
    m = _MONTH.match(value or "")
    if not m or not (2000 <= int(m.group(1)) <= 2100) or not (1 <= int(m.group(2)) <= 12):
        raise NotFound()
    return date(int(m.group(1)), int(m.group(2)), 1)


def month_key(month: date) -> str:
    return month.strftime("%Y-%m")


def month_days(month: date) -> list[date]:
    return [month.replace(day=d) for d in range(1, calendar.monthrange(month.year, month.month)[1] + 1)]


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def prev_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def _hm(value: str) -> tuple[int, int]:
    hours, minutes = value.split(":")
    return int(hours), int(minutes)


def ordered_shifts(templates: list[dict]) -> list[dict]:
    """The office's shifts in the order they start in a day."""
    return sorted(templates, key=lambda s: _hm(s["start"]))


def shift_bounds(day: date, code: str, templates: list[dict], tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end of a shift (aware, office time zone); a shift ending at or before its start ends next day."""
    shift = next((s for s in templates if s["code"] == code), None)
    if shift is None:
        start = datetime(day.year, day.month, day.day, tzinfo=tz)
        return start, start + timedelta(days=1)
    sh, sm = _hm(shift["start"])
    eh, em = _hm(shift["end"])
    start = datetime(day.year, day.month, day.day, sh, sm, tzinfo=tz)
    end = datetime(day.year, day.month, day.day, eh, em, tzinfo=tz)
    if end <= start:
        end += timedelta(days=1)
    return start, end


def next_shift(day: date, code: str, templates: list[dict]) -> tuple[date, str]:
    """The shift that follows (day, code) in the office's day (D2); after the last one, the first of the next day."""
    shifts = ordered_shifts(templates)
    codes = [s["code"] for s in shifts]
    if code not in codes:
        return day + timedelta(days=1), codes[0]
    i = codes.index(code)
    return (day, codes[i + 1]) if i + 1 < len(codes) else (day + timedelta(days=1), codes[0])


def previous_shift(day: date, code: str, templates: list[dict]) -> tuple[date, str]:
    shifts = ordered_shifts(templates)
    codes = [s["code"] for s in shifts]
    if code not in codes:
        return day, codes[-1]
    i = codes.index(code)
    return (day, codes[i - 1]) if i > 0 else (day - timedelta(days=1), codes[-1])


def is_night(code: str, templates: list[dict]) -> bool:
    """A night shift crosses midnight (D11: its unhandled items go to the next morning's day shift)."""
    shift = next((s for s in templates if s["code"] == code), None)
    return shift is not None and _hm(shift["end"]) <= _hm(shift["start"])


def shift_name(code: str, templates: list[dict]) -> str:
    shift = next((s for s in templates if s["code"] == code), None)
    return shift["name"] if shift else code


def shift_label(day: date, code: str, templates: list[dict]) -> str:
    return f"{day.isoformat()} {shift_name(code, templates)}"

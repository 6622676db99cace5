"""Time, in one place: now, the office's time zone, local times, and the rule for phones' clocks
(DESIGN "Time"). No other module builds a `ZoneInfo`: they ask `staff.tz` or `zone(name)`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

MAX_CLOCK_SKEW = timedelta(minutes=5)
DEFAULT_TIME_ZONE = "Asia/Shanghai"


def now() -> datetime:
    """The server's clock, aware, in UTC (the one call tests may think of replacing)."""
    return datetime.now(UTC)


@lru_cache(maxsize=64)
def zone(name: str | None = None) -> ZoneInfo:
    """An office's time zone by its IANA name (default: Asia/Shanghai)."""
    return ZoneInfo(name or DEFAULT_TIME_ZONE)


def aware(value: datetime) -> datetime:
    """A stored time without a zone is UTC (SQLite returns naive values)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A stored time as the office's wall-clock time (None stays None)."""
    return None if value is None else aware(value).astimezone(tz)


def today(tz: ZoneInfo) -> date:
    return now().astimezone(tz).date()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The office's calendar day as [start, end) in UTC."""
    start = datetime.combine(day, time(), tzinfo=tz)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def when_it_happened(recorded_at: datetime, received_at: datetime, skew_seconds: float) -> tuple[datetime, bool]:
    """The phone's time, unless its clock is far off (DESIGN "Time"): then the server's, flagged."""
    recorded_at = aware(recorded_at)
    suspect = abs(skew_seconds) > MAX_CLOCK_SKEW.total_seconds() or recorded_at - received_at > MAX_CLOCK_SKEW
    return (received_at if suspect else recorded_at), suspect

"""Time from phones (DESIGN "Time"): the one place the clock-skew rule lives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

MAX_CLOCK_SKEW = timedelta(minutes=5)


def aware(value: datetime) -> datetime:
    """A stored time without a zone is UTC (SQLite returns naive values)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def when_it_happened(recorded_at: datetime, received_at: datetime, skew_seconds: float) -> tuple[datetime, bool]:
    """The phone's time, unless its clock is far off (DESIGN "Time"): then the server's, flagged."""
    recorded_at = aware(recorded_at)
    suspect = abs(skew_seconds) > MAX_CLOCK_SKEW.total_seconds() or recorded_at - received_at > MAX_CLOCK_SKEW
    return (received_at if suspect else recorded_at), suspect

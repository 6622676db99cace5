"""Major incidents in the duty log, read for their next-day written report (SPEC G2): an entry of
the emergency category or escalated as major, with what followed (its corrections and the later
entries about the same unit within a day)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from app.clock import aware
from app.duty.tables import DutyLogEntry

_COLUMNS = (
    DutyLogEntry.id,
    DutyLogEntry.recorded_at,
    DutyLogEntry.category,
    DutyLogEntry.text,
    DutyLogEntry.escalation,
    DutyLogEntry.unit,
    DutyLogEntry.corrects,
    DutyLogEntry.author.display_name.as_alias("author_name"),
    DutyLogEntry.unit.number.as_alias("unit_number"),
)
FOLLOWING_WITHIN = timedelta(hours=24)


def _is_major():
    return (DutyLogEntry.escalation == "major") | (DutyLogEntry.category == "emergency")


def _aware(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["recorded_at"] = aware(row["recorded_at"])
    return rows


async def major_incidents(office_id: int, since: datetime, until: datetime) -> list[dict]:
    """The office's major or emergency entries recorded in [since, until), not corrections, oldest first."""
    rows = (
        await DutyLogEntry.select(*_COLUMNS)
        .where(
            (DutyLogEntry.office == office_id)
            & _is_major()
            & DutyLogEntry.corrects.is_null()
            & (DutyLogEntry.recorded_at >= since)
            & (DutyLogEntry.recorded_at < until)
        )
        .order_by(DutyLogEntry.recorded_at)
    )
    return _aware(rows)


async def incident_with_followers(office_id: int, entry_id: UUID) -> tuple[dict | None, list[dict]]:
    """The entry and what followed it: its corrections, and later entries about its unit within a day."""
    entry = (
        await DutyLogEntry.select(*_COLUMNS)
        .where((DutyLogEntry.office == office_id) & (DutyLogEntry.id == entry_id))
        .first()
    )
    if entry is None:
        return None, []
    entry = _aware([entry])[0]
    following = DutyLogEntry.corrects == entry_id
    if entry["unit"] is not None:
        following = following | (
            (DutyLogEntry.unit == entry["unit"])
            & (DutyLogEntry.recorded_at > entry["recorded_at"])
            & (DutyLogEntry.recorded_at < entry["recorded_at"] + FOLLOWING_WITHIN)
        )
    rows = await (
        DutyLogEntry.select(*_COLUMNS)
        .where((DutyLogEntry.office == office_id) & (DutyLogEntry.id != entry_id) & following)
        .order_by(DutyLogEntry.recorded_at)
    )
    return entry, _aware(rows)

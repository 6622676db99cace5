"""Unit states another domain moves (M1–M7): a unit not handed over becomes occupied at move-in, shows
renovating while a permit runs. `Unit.entrusted` stays equal to `state == "entrusted"` (one writer)."""

from __future__ import annotations

from app.clock import now
from app.estate.schemas import UNIT_STATES
from app.estate.tables import FileDocument, Unit


async def unit_state(office_id: int, unit_id: int) -> dict | None:
    """The unit of the office with its label and state, or None."""
    row = (
        await Unit.select(Unit.id, Unit.number, Unit.floor, Unit.state, Unit.building.name.as_alias("building"))
        .where((Unit.id == unit_id) & (Unit.office == office_id) & Unit.active.eq(True))
        .first()
    )
    if row:
        row["label"] = f"{row['building']} {row['number']}"
    return row


async def set_unit_state(office_id: int, unit_id: int, state: str) -> None:
    """Move a unit of the office to one of the register's states."""
    if state not in UNIT_STATES:
        raise ValueError(f"unknown unit state {state!r}")
    await Unit.update({Unit.state: state, Unit.entrusted: state == "entrusted"}).where(
        (Unit.id == unit_id) & (Unit.office == office_id)
    )


async def units_in_state(office_id: int, state: str) -> list[dict]:
    """The office's active units in a state: id, number, floor, building_id, label; register order."""
    rows = (
        await Unit.select(
            Unit.id,
            Unit.number,
            Unit.floor,
            Unit.building.id.as_alias("building_id"),
            Unit.building.name.as_alias("building"),
        )
        .where((Unit.office == office_id) & (Unit.state == state) & Unit.active.eq(True))
        .order_by(Unit.building)
        .order_by(Unit.number)
    )
    for row in rows:
        row["label"] = f"{row['building']} {row['number']}"
    return rows


async def add_file_document(
    office_id: int, unit_id: int, kind: str, attachment: str, staff_id: int, note: str = ""
) -> None:
    """E2: a document received by another procedure (move-in, renovation) goes into the unit's file."""
    await FileDocument.insert(
        FileDocument(
            office=office_id,
            unit=unit_id,
            kind=kind[:50],
            attachment=attachment,
            note=note[:200],
            received_by=staff_id,
            received_at=now(),
        )
    )


__all__ = ["add_file_document", "set_unit_state", "unit_state", "units_in_state"]

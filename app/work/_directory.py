"""Who and what a work form offers: the office's units with their residents (intake's unit search,
offline) and the people an order can go to."""

from __future__ import annotations

from app.auth.tables import Staff
from app.org.tables import Resident, Unit
from app.work._common import ASSIGNABLE_ROLES


async def unit_directory(office_id: int) -> list[dict]:
    """Every unit of the office with its residents, for intake's unit search (works offline)."""
    units = (
        await Unit.select(Unit.id, Unit.number, Unit.building.name.as_alias("building"))
        .where(Unit.office == office_id)
        .order_by(Unit.building)
        .order_by(Unit.number)
    )
    residents: dict[int, list[dict]] = {}
    for r in (
        await Resident.select(Resident.unit, Resident.name, Resident.phone)
        .where(Resident.office == office_id)
        .order_by(Resident.id)
    ):
        residents.setdefault(r["unit"], []).append({"name": r["name"], "phone": r["phone"]})
    return [
        {
            "id": u["id"],
            "label": f"{u['building']} {u['number']}",
            "residents": residents.get(u["id"], []),
        }
        for u in units
    ]


async def assignees(office_id: int) -> list[dict]:
    """Who an order can go to: the office's active technicians and engineering leads."""
    return (
        await Staff.select(Staff.id, Staff.display_name, Staff.role)
        .where((Staff.office == office_id) & Staff.is_active.eq(True) & Staff.role.is_in(list(ASSIGNABLE_ROLES)))
        .order_by(Staff.role, ascending=False)
        .order_by(Staff.display_name)
    )

"""Who and what a work form offers: the office's units with their residents (intake's unit search,
offline) and the people an order can go to."""

from __future__ import annotations

from app.auth import directory
from app.org import service as org
from app.work._common import ASSIGNABLE_ROLES


async def unit_directory(office_id: int) -> list[dict]:
    """Every unit of the office with its current residents, for intake's unit search (works offline)."""
    return await org.unit_directory(office_id)


async def assignees(office_id: int) -> list[dict]:
    """Who an order can go to: the office's active technicians and engineering leads."""
    found = await directory.staff_of_office(office_id, roles=ASSIGNABLE_ROLES)
    found.sort(key=lambda p: p.display_name)
    found.sort(key=lambda p: p.role, reverse=True)  # technicians first, then leads; by name within
    return [{"id": p.id, "display_name": p.display_name, "role": p.role} for p in found]

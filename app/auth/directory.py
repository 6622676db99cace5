"""The staff directory other domains read (names, roles, phones, who is active): typed, and the only
way they reach the auth domain's table (DESIGN "each domain owns its tables")."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from app.auth.tables import Staff

_COLUMNS = (
    Staff.id,
    Staff.office,
    Staff.display_name,
    Staff.role,
    Staff.phone,
    Staff.department,
    Staff.language,
    Staff.is_active,
)


class StaffEntry(msgspec.Struct, frozen=True):
    id: int
    office: int
    display_name: str
    role: str
    phone: str
    department: str | None
    language: str
    is_active: bool


def _entries(rows: list[dict]) -> list[StaffEntry]:
    return [msgspec.convert({**r, "phone": r["phone"] or ""}, StaffEntry) for r in rows]


async def people(ids: Iterable[int]) -> list[StaffEntry]:
    """These staff members (any office, active or not), by id."""
    wanted = list(set(ids))
    if not wanted:
        return []
    return _entries(await Staff.select(*_COLUMNS).where(Staff.id.is_in(wanted)).order_by(Staff.id))


async def staff_of_office(
    office_id: int,
    *,
    roles: Iterable[str] | None = None,
    ids: Iterable[int] | None = None,
    active_only: bool = True,
) -> list[StaffEntry]:
    """The office's staff, by id: only the active ones unless told, in these roles and/or with these ids
    (both given: either matches — an alert goes to a role and to named people)."""
    query = Staff.select(*_COLUMNS).where(Staff.office == office_id)
    if active_only:
        query = query.where(Staff.is_active.eq(True))
    role_list, id_list = (list(roles) if roles is not None else None), (list(ids) if ids is not None else None)
    if role_list is not None and id_list is not None:
        query = query.where(Staff.role.is_in(role_list or [""]) | Staff.id.is_in(id_list or [0]))
    elif role_list is not None:
        query = query.where(Staff.role.is_in(role_list or [""]))
    elif id_list is not None:
        query = query.where(Staff.id.is_in(id_list or [0]))
    return _entries(await query.order_by(Staff.id))


async def password_hash_of(staff_id: int) -> str | None:
    """The stored hash, for a signature's password check (H7); never leaves the server."""
    row = await Staff.select(Staff.password_hash).where(Staff.id == staff_id).first()
    return row["password_hash"] if row else None

"""The staff directory other domains read (names, roles, phones, who is active): typed, and the only
way they reach the auth domain's table (DESIGN "each domain owns its tables")."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from app import memo
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
    (both given: either matches — an alert goes to a role and to named people). The office's whole
    list is read once per page (app.memo: an office has tens of staff, and several sections ask)."""
    role_set = set(roles) if roles is not None else None
    id_set = set(ids) if ids is not None else None

    def wanted(p: StaffEntry) -> bool:
        if active_only and not p.is_active:
            return False
        if role_set is not None and id_set is not None:
            return p.role in role_set or p.id in id_set
        if role_set is not None:
            return p.role in role_set
        return id_set is None or p.id in id_set

    async def load() -> list[StaffEntry]:
        return _entries(await Staff.select(*_COLUMNS).where(Staff.office == office_id).order_by(Staff.id))

    return [p for p in await memo.once(("staff_of_office", office_id), load) if wanted(p)]


async def password_hash_of(staff_id: int) -> str | None:
    """The stored hash, for a signature's password check (H7); never leaves the server."""
    row = await Staff.select(Staff.password_hash).where(Staff.id == staff_id).first()
    return row["password_hash"] if row else None

"""Reading release slips (R1): one slip, the desk's list, what the gate phone keeps offline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import msgspec

from app.auth.schemas import CurrentStaff
from app.errors import Forbidden, check_found
from app.estate.service import mask_phone
from app.i18n import lazy
from app.org.service import can_see_office, units_of_office
from app.slips.schemas import SlipView
from app.slips.tables import ReleaseSlip

SLIP_ISSUERS = frozenset({"frontdesk", "duty", "supervisor", "manager"})
OVERRIDERS = frozenset({"supervisor", "manager"})  # let a unit in arrears have its slip, with a reason
GATE_ROLES = frozenset({"patrol", "duty", "supervisor", "manager"})  # release at the gate
SLIP_READERS = SLIP_ISSUERS | GATE_ROLES | {"qa"}
PHONE_READERS = SLIP_ISSUERS  # see the full number the owner was called on
GATE_HISTORY = timedelta(days=7)  # the gate phone keeps slips expired this recently (to say "expired")
STATES: dict[str, str] = {
    "open": lazy("Not released yet"),
    "released": lazy("Released"),
    "cancelled": lazy("Cancelled"),
    "expired": lazy("Expired"),
}


def check_reader(staff: CurrentStaff, office_id: int) -> None:
    if staff.role not in SLIP_READERS or not can_see_office(staff, office_id):
        raise Forbidden()


def slip_state(row: dict, day: date) -> str:
    if row["cancelled_at"] is not None:
        return "cancelled"
    if row["released_at"] is not None:
        return "released"
    return "expired" if day > row["valid_until"] else "open"


_COLUMNS: tuple[Any, ...] = (
    *ReleaseSlip.all_columns(exclude=["office", "unit", "issued_by", "override_by", "released_by", "cancelled_by"]),
    ReleaseSlip.unit.as_alias("unit_id"),
    ReleaseSlip.unit.number.as_alias("unit_number"),
    ReleaseSlip.unit.building.name.as_alias("building"),  # type: ignore[union-attr]
    ReleaseSlip.issued_by.display_name.as_alias("issued_by"),
    ReleaseSlip.override_by.display_name.as_alias("override_by"),
    ReleaseSlip.released_by.display_name.as_alias("released_by"),
    ReleaseSlip.second_release_by.display_name.as_alias("second_release_by"),
)


def _select() -> Any:
    return ReleaseSlip.select(*_COLUMNS).output(load_json=True)


def _shaped(row: dict) -> dict:
    row["unit_label"] = f"{row['building']} {row['unit_number']}"
    for name in ("override_by", "released_by", "second_release_by"):
        row[name] = row[name] or ""
    return row


async def slip_row(office_id: int, slip_id: object) -> dict | None:
    """One slip of the office as stored (with its unit's label), for the mutations."""
    row = await _select().where((ReleaseSlip.id == slip_id) & (ReleaseSlip.office == office_id)).first()
    return _shaped(row) if row else None


def _view(row: dict, day: date, full_phone: bool) -> SlipView:
    phone = row["confirm_phone"]
    return msgspec.convert(
        {
            **row,
            "is_resident": row["resident_id"] is not None,
            "confirm_phone": phone if full_phone else mask_phone(phone),
            "state": slip_state(row, day),
        },
        SlipView,
        strict=False,
    )


async def get_slip(staff: CurrentStaff, office_id: int, slip_id: UUID, day: date) -> SlipView:
    check_reader(staff, office_id)
    row = check_found(await slip_row(office_id, slip_id))
    return _view(row, day, staff.role in PHONE_READERS)


async def list_slips(staff: CurrentStaff, office_id: int, day: date, since: date | None = None) -> list[SlipView]:
    """The office's slips issued since `since` (default: yesterday), newest first."""
    check_reader(staff, office_id)
    since = since or day - timedelta(days=1)
    query = _select().where((ReleaseSlip.office == office_id) & (ReleaseSlip.valid_on >= since))
    rows = await query.order_by(ReleaseSlip.issued_at, ascending=False).limit(300)
    return [_view(_shaped(r), day, staff.role in PHONE_READERS) for r in rows]


async def gate_slips(office_id: int, day: date) -> list[SlipView]:
    """What the gate phone keeps offline: today's and tomorrow's slips, and those ended lately (so the
    guard is told "expired", "cancelled" or "released at …" rather than "unknown"). No phone numbers."""
    query = _select().where((ReleaseSlip.office == office_id) & (ReleaseSlip.valid_until >= day - GATE_HISTORY))
    rows = await query.order_by(ReleaseSlip.number)
    return [msgspec.structs.replace(_view(_shaped(r), day, False), confirm_phone="") for r in rows]


async def open_slips(office_id: int, day: date) -> list[SlipView]:
    """Slips still to be released today (for the gate guard's home page)."""
    return [s for s in await gate_slips(office_id, day) if s.state == "open"]


async def unit_choices(office_id: int) -> dict[int, str]:
    return {u["id"]: f"{u['building']} {u['number']}" for u in await units_of_office(office_id)}

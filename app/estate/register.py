"""The estate register (E1, E3, E4): buildings, units, residents, parking; search as staff type.

`Unit.entrusted` is written only here, always equal to `state == "entrusted"` (patrols read it, P5)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from app.auth.schemas import CurrentStaff
from app.clock import today
from app.errors import NotFound, RuleViolation, check_found
from app.estate.schemas import (
    BuildingRow,
    BuildingSave,
    ParkingRow,
    ParkingSave,
    ResidentEnd,
    ResidentRow,
    ResidentSave,
    SetActive,
    UnitRow,
    UnitSave,
)
from app.estate.tables import Building, ParkingSpace, Resident, Unit
from app.i18n import _
from app.sync.registry import ApplyContext

EDITORS = frozenset({"supervisor", "frontdesk"})  # add, edit, deactivate (E1)
CENTRE_ROLES = frozenset({"frontdesk", "duty", "supervisor", "manager"})  # see files and full phones (E2)
CALLERS = frozenset({"technician", "engineering_lead", "patrol"})  # find a unit, phones masked
READERS = CENTRE_ROLES | CALLERS
_SUFFIX = re.compile(r"(栋|幢|座|号楼|#|＃)$")
_REF = re.compile(
    r"^([0-9A-Za-z]+)\s*(?:(?:栋|幢|座|号楼|#|＃)\s*[-－—_]?|[-－—_])\s*(?:[0-9A-Za-z]+-)?([0-9A-Za-z]{1,6})(?:室|号)?$"
)
_MIN_DAY, _MAX_DAY = date(1950, 1, 1), date(2100, 12, 31)


def building_key(name: str) -> str:
    """ "3栋", "3幢", "3#", "3" → "3"."""
    return _SUFFIX.sub("", name.strip()).upper()


def unit_key(building_name: str, number: str) -> str:
    """One form of a unit, however it was typed: ("3栋", "402"), ("3栋", "3-402") → "3-402"."""
    b = building_key(building_name)
    n = number.strip().upper().removesuffix("室")
    return f"{b}-{n.removeprefix(b + '-')}"


def parse_unit_ref(text: str) -> tuple[str, str] | None:
    """ "3-402", "3栋402", "3栋-402", "3#402室" → ("3", "402"); anything else None."""
    m = _REF.match(text.strip())
    return (m.group(1).upper(), m.group(2).upper()) if m else None


def mask_phone(phone: str) -> str:
    """138****1234: enough to recognise, not to copy (E2)."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else ("****" if phone else "")


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.2f}")


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _check_day(value: date | None, field: str) -> None:
    if value is not None and not _MIN_DAY <= value <= _MAX_DAY:
        raise RuleViolation("bad_date", _("Enter a date between 1950 and 2100."), field=field)


def require_editor(staff: CurrentStaff) -> None:
    if staff.role not in EDITORS:
        raise RuleViolation("forbidden", _("Your role does not edit the estate register."))


# --- reading ----------------------------------------------------------------------------------------


async def list_buildings(office_id: int, *, active_only: bool = False) -> list[BuildingRow]:
    query = Building.select(Building.id, Building.name, Building.sort_order, Building.active).where(
        Building.office == office_id
    )
    if active_only:
        query = query.where(Building.active.eq(True))
    rows = await query.order_by(Building.sort_order).order_by(Building.name)
    counts = await Unit.select(Unit.building).where(Unit.office == office_id)
    per: dict[int, int] = {}
    for r in counts:
        per[r["building"]] = per.get(r["building"], 0) + 1
    return [BuildingRow(**r, units=per.get(r["id"], 0)) for r in rows]


_UNIT_COLUMNS = (
    Unit.id,
    Unit.building,
    Unit.building.name.as_alias("building_name"),
    Unit.number,
    Unit.floor,
    Unit.state,
    Unit.active,
    Unit.area,
    Unit.entrusted_on,
    Unit.water_start,
    Unit.power_start,
)


def _unit_row(r: dict) -> UnitRow:
    for k in ("area", "water_start", "power_start"):
        r[k] = _float(r[k])
    return msgspec.convert(r, UnitRow)


async def _residents(staff: CurrentStaff, unit_ids: list[int], *, history: bool) -> dict[int, list[ResidentRow]]:
    if not unit_ids:
        return {}
    query = Resident.select(
        Resident.id,
        Resident.unit,
        Resident.name,
        Resident.kind,
        Resident.phone,
        Resident.phone2,
        Resident.id_last4,
        Resident.started_on,
        Resident.ended_on,
    ).where(Resident.unit.is_in(unit_ids))
    if not history:
        query = query.where(Resident.ended_on.is_null())
    out: dict[int, list[ResidentRow]] = {}
    masked = staff.role not in CENTRE_ROLES
    for r in await query.order_by(Resident.id):
        if masked:
            r["phone"], r["phone2"], r["id_last4"] = mask_phone(r["phone"]), mask_phone(r["phone2"]), ""
        out.setdefault(r["unit"], []).append(msgspec.convert(r, ResidentRow))
    return out


async def _unit_ids_matching(office_id: int, q: str) -> set[int]:
    ids: set[int] = set()
    in_office = Unit.office == office_id
    if ref := parse_unit_ref(q):
        b, n = ref
        names = [b, *(b + s for s in ("栋", "幢", "座", "号楼", "#"))]
        rows = await Unit.select(Unit.id).where(
            in_office & Unit.building.name.is_in(names) & Unit.number.is_in([n, f"{b}-{n}"])
        )
        ids |= {r["id"] for r in rows}
    like = f"%{q}%"
    rows = await Unit.select(Unit.id).where(in_office & ((Unit.number == q) | Unit.number.like(f"%-{q}")))
    ids |= {r["id"] for r in rows}
    who: Any = Resident.name.like(like)
    if sum(c.isdigit() for c in q) >= 4:
        who = who | Resident.phone.like(like) | Resident.phone2.like(like)
    rows = await Resident.select(Resident.unit).where((Resident.office == office_id) & who)
    return ids | {r["unit"] for r in rows}


async def search_units(
    staff: CurrentStaff, office_id: int, q: str = "", building_id: int | None = None, limit: int = 50
) -> list[UnitRow]:
    """E1: units by building, by unit number in any of its typed forms, by resident name or phone."""
    query = Unit.select(*_UNIT_COLUMNS).where(Unit.office == office_id)
    q = q.strip()[:50]
    if q:
        ids = await _unit_ids_matching(office_id, q)
        if not ids:
            return []
        query = query.where(Unit.id.is_in(sorted(ids)))
    if building_id:
        query = query.where(Unit.building == building_id)
    rows = await query.order_by(Unit.building.sort_order).order_by(Unit.building).order_by(Unit.number).limit(limit)
    units = [_unit_row(r) for r in rows]
    residents = await _residents(staff, [u.id for u in units], history=False)
    return [msgspec.structs.replace(u, residents=residents.get(u.id, [])) for u in units]


async def get_unit(staff: CurrentStaff, office_id: int, unit_id: int) -> UnitRow:
    """One unit with every resident it has had (E1 history)."""
    row = await Unit.select(*_UNIT_COLUMNS).where((Unit.id == unit_id) & (Unit.office == office_id)).first()
    unit = _unit_row(check_found(row))
    residents = await _residents(staff, [unit_id], history=True)
    return msgspec.structs.replace(unit, residents=residents.get(unit_id, []))


async def get_resident(office_id: int, resident_id: int) -> dict:
    query = Resident.select().where((Resident.id == resident_id) & (Resident.office == office_id))
    return check_found(await query.first())


async def list_parking(office_id: int) -> list[ParkingRow]:
    rows = (
        await ParkingSpace.select(
            ParkingSpace.id,
            ParkingSpace.number,
            ParkingSpace.unit,
            ParkingSpace.unit.number.as_alias("unit_number"),
            ParkingSpace.unit.building.name.as_alias("building"),  # type: ignore[union-attr]
            ParkingSpace.rent,
            ParkingSpace.let_from,
            ParkingSpace.let_until,
            ParkingSpace.active,
        )
        .where(ParkingSpace.office == office_id)
        .order_by(ParkingSpace.number)
    )
    out = []
    for r in rows:
        label = f"{r.pop('building')} {r.pop('unit_number')}" if r["unit"] else ""
        out.append(msgspec.convert(r | {"rent": _float(r["rent"]), "unit_label": label}, ParkingRow))
    return out


async def unit_options(office_id: int) -> list[tuple[int, str]]:
    rows = (
        await Unit.select(Unit.id, Unit.number, Unit.building.name.as_alias("b"))
        .where((Unit.office == office_id) & Unit.active.eq(True))
        .order_by(Unit.building)
        .order_by(Unit.number)
    )
    return [(r["id"], f"{r['b']} {r['number']}") for r in rows]


# --- writing (mutations) ---------------------------------------------------------------------------


async def _building_of_office(office_id: int, building_id: int) -> None:
    if not await Building.exists().where((Building.id == building_id) & (Building.office == office_id)):
        raise RuleViolation("no_building", _("Choose a building of this office."), field="building_id")


async def _unit_of_office(office_id: int, unit_id: int) -> None:
    if not await Unit.exists().where((Unit.id == unit_id) & (Unit.office == office_id)):
        raise RuleViolation("no_unit", _("Choose a unit of this office."), field="unit_id")


async def apply_building_save(ctx: ApplyContext, mutation: BuildingSave) -> None:
    """E1: a building's name is unique in its office."""
    staff, data = ctx.staff, mutation.data
    require_editor(staff)
    same = Building.exists().where((Building.office == staff.office_id) & (Building.name == data.name.strip()))
    if data.building_id:
        await _building_of_office(staff.office_id, data.building_id)
        same = same.where(Building.id != data.building_id)
    if await same:
        raise RuleViolation("duplicate", _("This office already has a building of that name."), field="name")
    values: dict[Any, Any] = {Building.name: data.name.strip(), Building.sort_order: data.sort_order}
    if data.building_id:
        await Building.update(values).where(Building.id == data.building_id)
    else:
        await Building.insert(Building(office=staff.office_id, name=data.name.strip(), sort_order=data.sort_order))


async def apply_unit_save(ctx: ApplyContext, mutation: UnitSave) -> None:
    """E1/E3: a unit's number is unique in its building, in any typed form ("3-402" = "402" in 3栋)."""
    staff, data = ctx.staff, mutation.data
    require_editor(staff)
    await _building_of_office(staff.office_id, data.building_id)
    _check_day(data.entrusted_on, "entrusted_on")
    if data.unit_id:
        await _unit_of_office(staff.office_id, data.unit_id)
    building = check_found(await Building.select(Building.name).where(Building.id == data.building_id).first())
    key = unit_key(building["name"], data.number)
    others = await Unit.select(Unit.id, Unit.number).where(Unit.building == data.building_id)
    if any(unit_key(building["name"], o["number"]) == key and o["id"] != data.unit_id for o in others):
        raise RuleViolation("duplicate", _("This building already has this unit."), field="number")
    values: dict[str, Any] = {
        "building": data.building_id,
        "number": data.number,
        "floor": data.floor,
        "state": data.state,
        "entrusted": data.state == "entrusted",
        "area": _decimal(data.area),
        "entrusted_on": data.entrusted_on,
        "water_start": _decimal(data.water_start),
        "power_start": _decimal(data.power_start),
    }
    if data.unit_id:
        await Unit.update({getattr(Unit, k): v for k, v in values.items()}).where(Unit.id == data.unit_id)
    else:
        await Unit.insert(Unit(office=staff.office_id, **values))


async def apply_set_active(ctx: ApplyContext, mutation: SetActive) -> None:
    """Deactivate or reactivate; an inactive unit is kept with its history."""
    staff, data = ctx.staff, mutation.data
    require_editor(staff)
    table: Any = {"building": Building, "unit": Unit, "parking": ParkingSpace}[data.kind]
    where = (table.id == data.record_id) & (table.office == staff.office_id)
    if not await table.exists().where(where):
        raise NotFound()
    await table.update({table.active: data.active}).where(where)


async def apply_resident_save(ctx: ApplyContext, mutation: ResidentSave) -> None:
    """E1: a resident of a unit, with phones; ID numbers only by their last four characters (E2)."""
    staff, data = ctx.staff, mutation.data
    require_editor(staff)
    await _unit_of_office(staff.office_id, data.unit_id)
    _check_day(data.started_on, "started_on")
    values: dict[Any, Any] = {
        Resident.unit: data.unit_id,
        Resident.name: data.name.strip(),
        Resident.kind: data.kind,
        Resident.phone: data.phone,
        Resident.phone2: data.phone2,
        Resident.id_last4: data.id_last4.upper(),
        Resident.started_on: data.started_on,
    }
    if data.resident_id:
        await get_resident(staff.office_id, data.resident_id)
        await Resident.update(values).where(Resident.id == data.resident_id)
    else:
        await Resident.insert(Resident(office=staff.office_id, **{c._meta.name: v for c, v in values.items()}))


async def apply_resident_end(ctx: ApplyContext, mutation: ResidentEnd) -> None:
    """E1: moving out ends the resident (kept as history), never deletes."""
    staff, data = ctx.staff, mutation.data
    require_editor(staff)
    resident = await get_resident(staff.office_id, data.resident_id)
    _check_day(data.ended_on, "ended_on")
    if resident["ended_on"] is not None:
        raise RuleViolation("already_ended", _("This resident has already moved out."), field="ended_on")
    if resident["started_on"] and data.ended_on < resident["started_on"]:
        raise RuleViolation("before_start", _("The end date is before the start date."), field="ended_on")
    if data.ended_on > today(staff.tz):
        raise RuleViolation("future", _("The end date cannot be in the future."), field="ended_on")
    await Resident.update({Resident.ended_on: data.ended_on}).where(Resident.id == data.resident_id)


async def apply_parking_save(ctx: ApplyContext, mutation: ParkingSave) -> None:
    """E4: a parking space's number is unique in its office; a let period runs forward."""
    staff, data = ctx.staff, mutation.data
    require_editor(staff)
    if data.unit_id:
        await _unit_of_office(staff.office_id, data.unit_id)
    _check_day(data.let_from, "let_from")
    _check_day(data.let_until, "let_until")
    if data.let_from and data.let_until and data.let_until < data.let_from:
        raise RuleViolation("period", _("The period ends before it starts."), field="let_until")
    same = ParkingSpace.exists().where((ParkingSpace.office == staff.office_id) & (ParkingSpace.number == data.number))
    if data.parking_id:
        where = (ParkingSpace.id == data.parking_id) & (ParkingSpace.office == staff.office_id)
        if not await ParkingSpace.exists().where(where):
            raise NotFound()
        same = same.where(ParkingSpace.id != data.parking_id)
    if await same:
        raise RuleViolation("duplicate", _("This parking space is already listed."), field="number")
    values: dict[str, Any] = {
        "number": data.number,
        "unit": data.unit_id,
        "rent": _decimal(data.rent),
        "let_from": data.let_from,
        "let_until": data.let_until,
    }
    if data.parking_id:
        await ParkingSpace.update({getattr(ParkingSpace, k): v for k, v in values.items()}).where(
            ParkingSpace.id == data.parking_id
        )
    else:
        await ParkingSpace.insert(ParkingSpace(office=staff.office_id, **values))

"""Offices and their places; office scoping for every query (SPEC "Who uses it")."""

from __future__ import annotations

from app import memo
from app.auth.schemas import CurrentStaff
from app.errors import check_found
from app.org.tables import Building, Office, Resident, Unit

# D2: the seed offices' shift templates (configurable per office).
DEFAULT_SHIFTS = [
    {"code": "day", "name": "白班", "start": "08:30", "end": "16:30"},
    {"code": "evening", "name": "中班", "start": "16:30", "end": "23:30"},
    {"code": "night", "name": "夜班", "start": "23:30", "end": "08:30"},
]
# H4: the post's inventory (configurable per office).
DEFAULT_INVENTORY = ["电话", "电脑", "饮水机", "钥匙", "对讲机", "值班记录本", "手电筒"]


def office_ids_visible_to(staff: CurrentStaff) -> list[int] | None:
    """The offices a staff member may see: their own, or every one (None) for `qa`."""
    return None if staff.sees_all_offices else [staff.office_id]


def can_see_office(staff: CurrentStaff, office_id: int) -> bool:
    return staff.sees_all_offices or office_id == staff.office_id


async def get_office(office_id: int) -> dict:
    return check_found(await Office.select().where(Office.id == office_id).first())


async def office_shift_templates(office_id: int) -> list[dict]:
    """The office's shift templates (D2), or the defaults; read once per page (app.memo)."""

    async def load() -> list[dict]:
        query = Office.select(Office.shift_templates).where(Office.id == office_id).output(load_json=True)
        row = await query.first()
        return (row or {}).get("shift_templates") or DEFAULT_SHIFTS

    return await memo.once(("office_shift_templates", office_id), load)


async def list_offices(staff: CurrentStaff) -> list[dict]:
    query = Office.select(Office.id, Office.name).order_by(Office.id)
    if (ids := office_ids_visible_to(staff)) is not None:
        query = query.where(Office.id.is_in(ids))
    return await query


async def units_of_office(office_id: int) -> list[dict]:
    return (
        await Unit.select(Unit.id, Unit.number, Unit.building.name.as_alias("building"))
        .where(Unit.office == office_id)
        .order_by(Unit.building)
        .order_by(Unit.number)
    )


async def unit_in_office(unit_id: int, office_id: int) -> dict:
    row = await Unit.select(Unit.id, Unit.number).where((Unit.id == unit_id) & (Unit.office == office_id)).first()
    return check_found(row)


async def office_counts(office_id: int) -> dict[str, int]:
    return {
        "buildings": await Building.count().where(Building.office == office_id),
        "units": await Unit.count().where(Unit.office == office_id),
        "residents": await Resident.count().where(Resident.office == office_id),
    }


async def unit_directory(office_id: int) -> list[dict]:
    """Every unit of the office with its current residents (moved-out ones left out): intake's unit
    search, which works offline."""
    units = (
        await Unit.select(Unit.id, Unit.number, Unit.building.name.as_alias("building"))
        .where(Unit.office == office_id)
        .order_by(Unit.building)
        .order_by(Unit.number)
    )
    residents: dict[int, list[dict]] = {}
    for r in (
        await Resident.select(Resident.unit, Resident.name, Resident.phone)
        .where((Resident.office == office_id) & Resident.ended_on.is_null())
        .order_by(Resident.id)
    ):
        residents.setdefault(r["unit"], []).append({"name": r["name"], "phone": r["phone"]})
    return [
        {"id": u["id"], "label": f"{u['building']} {u['number']}", "residents": residents.get(u["id"], [])}
        for u in units
    ]


async def office_inventory_items(office_id: int) -> list[str]:
    """The office's handover inventory list (H4) as saved (empty: none saved yet)."""
    row = await Office.select(Office.inventory_items).where(Office.id == office_id).output(load_json=True).first()
    return list((row or {}).get("inventory_items") or [])


async def save_office_duty_settings(office_id: int, shift_templates: list[dict], inventory_items: list[str]) -> None:
    """Store the office's shift templates (D2) and inventory list (H4); the roster domain decides them."""
    await Office.update({Office.shift_templates: shift_templates, Office.inventory_items: inventory_items}).where(
        Office.id == office_id
    )


async def office_time_zone(office_id: int) -> str | None:
    """The office's IANA time zone name, or None when there is no such office."""
    row = await Office.select(Office.time_zone).where(Office.id == office_id).first()
    return (row["time_zone"] or "Asia/Shanghai") if row else None


async def all_office_ids() -> list[int]:
    """Every office's id (for background steps that run per office)."""
    return [r["id"] for r in await Office.select(Office.id).order_by(Office.id)]


async def entrusted_units(office_id: int) -> list[dict]:
    """The office's entrusted units (托管房, P5): id, number, floor, building_id."""
    return (
        await Unit.select(Unit.id, Unit.number, Unit.floor, Unit.building.id.as_alias("building_id"))
        .where((Unit.office == office_id) & Unit.entrusted.eq(True))
        .order_by(Unit.building)
        .order_by(Unit.number)
    )


async def buildings_of_office(office_id: int) -> list[dict]:
    """The office's buildings in their order: id, name."""
    return (
        await Building.select(Building.id, Building.name)
        .where(Building.office == office_id)
        .order_by(Building.sort_order)
    )


async def building_in_office(building_id: int, office_id: int) -> bool:
    return await Building.exists().where((Building.id == building_id) & (Building.office == office_id))


async def has_unit(office_id: int, unit_id: int) -> bool:
    """Whether the unit is one of the office's."""
    return await Unit.exists().where((Unit.id == unit_id) & (Unit.office == office_id))

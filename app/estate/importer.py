"""Import and export of the estate register (E1): template, preview (every row's problem by row and
column), confirm (all or nothing), re-import idempotent; set-based writes (10,000 units in seconds)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.db import write_transaction
from app.estate._rows import HEADERS, KIND_NAMES, STATE_NAMES, B, N, Problem, ResidentValues, UnitValues, check_row
from app.estate.register import building_key, unit_key
from app.estate.tables import Building, Resident, Unit
from app.i18n import _
from app.spreadsheets import Sheet, SpreadsheetError, read_table, write_xlsx

CHUNK = 500  # rows per INSERT (SQLite's bound-parameter limit)
_UNIT_FIELDS = ("floor", "area", "state", "entrusted_on", "water_start", "power_start")


@dataclass
class Plan:
    """What confirming would do; nothing is written while it is only a plan."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    new_buildings: list[str] = field(default_factory=list)
    new_units: list[UnitValues] = field(default_factory=list)
    changed_units: list[tuple[int, UnitValues]] = field(default_factory=list)
    new_residents: list[tuple[str, ResidentValues]] = field(default_factory=list)  # (unit key, values)
    changed_residents: list[tuple[int, ResidentValues]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> int:
        parts: tuple[list[Any], ...] = (
            self.new_buildings, self.new_units, self.changed_units, self.new_residents, self.changed_residents,
        )  # fmt: skip
        return sum(len(part) for part in parts)


def template() -> bytes:
    """The empty template: the Chinese headers, in order."""
    return write_xlsx(HEADERS, [], title="房屋档案")


def _num(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _check_rows(sheet: Sheet, plan: Plan) -> list[tuple[UnitValues, ResidentValues | None, int]]:
    missing = [h for h in (B, N) if h not in sheet.headers]
    if missing:
        plan.problems.append(Problem(sheet.header_row, "、".join(missing), _("The header row lacks these columns.")))
        return []
    good: list[tuple[UnitValues, ResidentValues | None, int]] = []
    units: dict[str, tuple[int, UnitValues]] = {}
    people: dict[tuple[str, str, str], int] = {}
    for row_number, cells in sheet.numbered():
        checked = check_row(row_number, cells, plan.problems)
        if checked is None:
            continue
        unit, resident = checked
        first = units.setdefault(unit.key, (row_number, unit))
        if first[1].number != unit.number:
            plan.problems.append(
                Problem(
                    row_number,
                    N,
                    _(
                        "Row %(row)s writes this unit as %(a)s, this row as %(b)s: use one form.",
                        row=first[0],
                        a=first[1].number,
                        b=unit.number,
                    ),
                )
            )
            continue
        if first[1].same() != unit.same():
            plan.problems.append(
                Problem(row_number, N, _("Duplicate unit: row %(row)s gives it other details.", row=first[0]))
            )
            continue
        if resident:
            who = (unit.key, resident.name, resident.phone)
            if who in people:
                plan.problems.append(
                    Problem(row_number, "住户姓名", _("Duplicate resident: the same as row %(row)s.", row=people[who]))
                )
                continue
            people[who] = row_number
        good.append((unit, resident, row_number))
    return good


async def plan_import(office_id: int, sheet: Sheet) -> Plan:
    """Check every row, then match: buildings by name, units by building + number (any typed form),
    residents by unit + name + phone among those not moved out; a changed row is an update."""
    plan = Plan(rows=len(sheet.rows))
    good = _check_rows(sheet, plan)
    if not plan.ok:
        return plan
    buildings = {
        building_key(r["name"]): r["name"]
        for r in await Building.select(Building.name).where(Building.office == office_id)
    }
    existing = {}
    for r in await Unit.select(
        Unit.id, Unit.building.name.as_alias("b"), Unit.number, *[getattr(Unit, f) for f in _UNIT_FIELDS]
    ).where(Unit.office == office_id):
        existing[unit_key(r["b"], r["number"])] = r
    residents = {}
    for r in await Resident.select(
        Resident.id, Resident.unit, Resident.name, Resident.phone, Resident.kind, Resident.phone2, Resident.id_last4
    ).where((Resident.office == office_id) & Resident.ended_on.is_null()):
        residents[(r["unit"], r["name"], r["phone"])] = r
    seen_units: set[str] = set()
    for unit, resident, _row in good:
        bkey = building_key(unit.building)
        if bkey not in buildings:
            buildings[bkey] = unit.building
            plan.new_buildings.append(unit.building)
        unit.building = buildings[bkey]
        old = existing.get(unit.key)
        if unit.key not in seen_units:
            seen_units.add(unit.key)
            if old is None:
                plan.new_units.append(unit)
            elif (
                old["floor"],
                _num(old["area"]),
                old["state"],
                old["entrusted_on"],
                _num(old["water_start"]),
                _num(old["power_start"]),
            ) != unit.same():
                plan.changed_units.append((old["id"], unit))
        if resident is None:
            continue
        match = residents.get((old["id"], resident.name, resident.phone)) if old else None
        if match is None:
            plan.new_residents.append((unit.key, resident))
        elif (match["kind"], match["phone2"], match["id_last4"]) != (resident.kind, resident.phone2, resident.id_last4):
            plan.changed_residents.append((match["id"], resident))
    return plan


async def _chunks(table: Any, rows: list[Any]) -> None:
    for i in range(0, len(rows), CHUNK):
        await table.insert(*rows[i : i + CHUNK]).returning(table.id)


def _unit_columns(u: UnitValues) -> dict[str, Any]:
    return {
        "floor": u.floor,
        "area": u.area,
        "state": u.state,
        "entrusted": u.state == "entrusted",
        "entrusted_on": u.entrusted_on,
        "water_start": u.water_start,
        "power_start": u.power_start,
    }


async def commit_plan(office_id: int, plan: Plan) -> None:
    """Write a checked plan in one transaction: all of it or, on any error, none."""
    assert plan.ok
    async with write_transaction():
        await _chunks(Building, [Building(office=office_id, name=name, sort_order=0) for name in plan.new_buildings])
        ids = {
            r["name"]: r["id"]
            for r in await Building.select(Building.id, Building.name).where(Building.office == office_id)
        }
        await _chunks(
            Unit,
            [
                Unit(office=office_id, building=ids[u.building], number=u.number, **_unit_columns(u))
                for u in plan.new_units
            ],
        )
        for unit_id, u in plan.changed_units:
            await Unit.update({getattr(Unit, k): v for k, v in _unit_columns(u).items()}).where(Unit.id == unit_id)
        keys = {
            unit_key(r["b"], r["number"]): r["id"]
            for r in await Unit.select(Unit.id, Unit.number, Unit.building.name.as_alias("b")).where(
                Unit.office == office_id
            )
        }
        await _chunks(
            Resident,
            [
                Resident(
                    office=office_id,
                    unit=keys[k],
                    name=r.name,
                    kind=r.kind,
                    phone=r.phone,
                    phone2=r.phone2,
                    id_last4=r.id_last4,
                )
                for k, r in plan.new_residents
            ],
        )
        for resident_id, r in plan.changed_residents:
            await Resident.update(
                {Resident.kind: r.kind, Resident.phone2: r.phone2, Resident.id_last4: r.id_last4}
            ).where(Resident.id == resident_id)


async def export_register(office_id: int) -> bytes:
    """The register in the template's layout (one row per current resident), so it imports back unchanged."""
    units = (
        await Unit.select(
            Unit.id, Unit.building.name.as_alias("b"), Unit.number, *[getattr(Unit, f) for f in _UNIT_FIELDS]
        )
        .where(Unit.office == office_id)
        .order_by(Unit.building.sort_order)
        .order_by(Unit.building)
        .order_by(Unit.number)
    )
    people: dict[int, list[dict | None]] = {}
    for r in (
        await Resident.select()
        .where((Resident.office == office_id) & Resident.ended_on.is_null())
        .order_by(Resident.id)
    ):
        people.setdefault(r["unit"], []).append(r)

    def cells(u: dict, p: dict | None) -> list[Any]:
        unit = [
            u["b"],
            u["number"],
            u["floor"],
            _plain(u["area"]),
            STATE_NAMES[u["state"]],
            u["entrusted_on"],
            _plain(u["water_start"]),
            _plain(u["power_start"]),
        ]
        who = [p["name"], KIND_NAMES.get(p["kind"], ""), p["phone"], p["phone2"], p["id_last4"]] if p else [""] * 5
        return unit + who

    return write_xlsx(HEADERS, (cells(u, p) for u in units for p in (people.get(u["id"]) or [None])), title="房屋档案")


def _plain(value: Any) -> Any:
    return None if value is None else float(value)


def summary(plan: Plan) -> str:
    return (
        f"{plan.rows} rows: {len(plan.new_buildings)} new buildings, {len(plan.new_units)} new units, "
        f"{len(plan.changed_units)} units updated, {len(plan.new_residents)} new residents, "
        f"{len(plan.changed_residents)} residents updated"
    )


async def import_file_cli(office_id: int, path: str, content: bytes | None = None) -> int:
    """`python -m app import-estate --office ID FILE`: the same checks; exit 1 with the row messages."""
    from app.db import close_pool, open_pool
    from app.estate.tables import Office

    await open_pool()
    try:
        if not await Office.exists().where(Office.id == office_id):
            print(f"no office {office_id}", file=sys.stderr)
            return 2
        try:
            plan = await plan_import(office_id, read_table(content if content is not None else b"", path))
        except SpreadsheetError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 1
        for p in plan.problems:
            print(f"row {p.row} [{p.column}]: {p.message}", file=sys.stderr)
        if not plan.ok:
            print(f"{len(plan.problems)} problems; nothing imported", file=sys.stderr)
            return 1
        await commit_plan(office_id, plan)
        print(summary(plan))
        return 0
    finally:
        await close_pool()

"""Estate register pages (E1, E3, E4): search, units with their residents, buildings, parking."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Response, Template

from app.auth.schemas import CurrentStaff
from app.estate import service
from app.estate._file_routes import ROUTES as FILE_ROUTES
from app.estate._import_routes import ROUTES as IMPORT_ROUTES
from app.estate.schemas import (
    RESIDENT_KINDS,
    UNIT_STATES,
    BuildingSave,
    ParkingRow,
    ParkingSave,
    ResidentEnd,
    ResidentSave,
    SetActive,
    UnitSave,
)
from app.sync.forms import FormOutcome, submit_form
from app.web import is_htmx, page

READERS = {"roles": service.READERS}
EDITORS = {"roles": service.EDITORS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def _unit_form(request: Request, office_id: int, values: dict, errors: dict | None = None) -> Template:
    buildings = [(b.id, b.name) for b in await service.list_buildings(office_id, active_only=True)]
    return page(
        request, "estate/unit_form.html", buildings=buildings, states=UNIT_STATES, values=values, errors=errors or {}
    )


async def _unit_page(request: Request, staff: CurrentStaff, office_id: int, unit_id: int, **extra: Any) -> Template:
    unit = await service.get_unit(staff, office_id, unit_id)
    extra.setdefault("values", {"unit_id": unit_id, "kind": "owner"})
    return page(request, "estate/unit.html", unit=unit, states=UNIT_STATES, kinds=RESIDENT_KINDS, **extra)


def _parking_values(p: ParkingRow) -> dict[str, Any]:
    return {k: getattr(p, k) or "" for k in ("number", "rent", "let_from", "let_until")} | {
        "parking_id": p.id,
        "unit_id": p.unit or "",
    }


@get("/estate", opt=READERS)
async def register(
    request: Request, staff: CurrentStaff, office_id: int, q: FromQuery[str] = "", building: FromQuery[str] = ""
) -> Template:
    """E1: find a unit by building, number ("3-402", "3栋402"), resident name or phone."""
    building_id = int(building) if building.isdigit() and len(building) < 10 else None  # the select's "" is "all"
    units = await service.search_units(staff, office_id, q[:50], building_id) if (q or building_id) else []
    context: dict[str, Any] = {
        "units": units,
        "q": q[:50],
        "building": building_id,
        "states": UNIT_STATES,
        "kinds": RESIDENT_KINDS,
    }
    template = "estate/_results.html" if is_htmx(request) else "estate/index.html"
    return page(request, template, buildings=await service.list_buildings(office_id), **context)


@get("/estate/units/new", opt=EDITORS)
async def unit_new(request: Request, office_id: int, building: FromQuery[int | None] = None) -> Template:
    """A new unit."""
    return await _unit_form(request, office_id, {"building_id": building or "", "state": "occupied", "floor": 1})


@get("/estate/units/{unit_id:int}", opt=READERS)
async def unit_detail(request: Request, staff: CurrentStaff, office_id: int, unit_id: FromPath[int]) -> Template:
    """A unit, its residents (with those who moved out), and what editors can change."""
    return await _unit_page(request, staff, office_id, unit_id)


@get("/estate/units/{unit_id:int}/edit", opt=EDITORS)
async def unit_edit(request: Request, staff: CurrentStaff, office_id: int, unit_id: FromPath[int]) -> Template:
    """Edit a unit (E1, E3)."""
    unit = await service.get_unit(staff, office_id, unit_id)
    values = {
        f: getattr(unit, f) for f in ("number", "floor", "state", "area", "entrusted_on", "water_start", "power_start")
    }
    return await _unit_form(request, office_id, values | {"unit_id": unit.id, "building_id": unit.building})


@post("/estate/units", opt=EDITORS)
async def unit_save(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Add or edit a unit, as the `estate.unit_save` mutation."""

    async def again(outcome: FormOutcome) -> Template:
        return await _unit_form(request, staff.office_id, outcome.values, outcome.errors)

    done = (
        f"/estate/units/{data['unit_id']}"
        if str(data.get("unit_id", "")).isdigit()
        else f"/estate?q={data.get('number', '')}"
    )
    return await submit_form(staff, UnitSave, data, done=done, again=again)


@post("/estate/residents", opt=EDITORS)
async def resident_save(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Add or edit a resident of a unit."""
    unit_id = int(data["unit_id"]) if str(data.get("unit_id", "")).isdigit() else 0

    async def again(outcome: FormOutcome) -> Template:
        return await _unit_page(request, staff, staff.office_id, unit_id, values=outcome.values, errors=outcome.errors)

    return await submit_form(staff, ResidentSave, data, done=f"/estate/units/{unit_id}", again=again)


@get("/estate/residents/{resident_id:int}/edit", opt=EDITORS)
async def resident_edit(request: Request, staff: CurrentStaff, office_id: int, resident_id: FromPath[int]) -> Template:
    """Edit a resident (the unit's page with the form filled in)."""
    row = await service.get_resident(office_id, resident_id)
    values = {k: row[k] or "" for k in ("name", "kind", "phone", "phone2", "id_last4", "started_on")}
    return await _unit_page(
        request, staff, office_id, row["unit"], values=values | {"unit_id": row["unit"], "resident_id": resident_id}
    )


@post("/estate/residents/{resident_id:int}/end", opt=EDITORS)
async def resident_end(
    request: Request, staff: CurrentStaff, resident_id: FromPath[int], data: Form
) -> Response | Template:
    """A resident moved out: ended, kept as history."""
    row = await service.get_resident(staff.office_id, resident_id)

    async def again(outcome: FormOutcome) -> Template:
        errors = {f"end_{resident_id}": next(iter(outcome.errors.values()))}
        return await _unit_page(request, staff, staff.office_id, row["unit"], errors=errors)

    return await submit_form(
        staff, ResidentEnd, data, done=f"/estate/units/{row['unit']}", again=again, resident_id=resident_id
    )


@post("/estate/active", opt=EDITORS)
async def set_active(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Deactivate or reactivate a building, unit or parking space."""

    async def again(outcome: FormOutcome) -> Template:
        return page(request, "errors/error.html", code=422, message=next(iter(outcome.errors.values())))

    back = str(data.get("_back", "/estate"))
    return await submit_form(
        staff, SetActive, data, done=back if back.startswith("/estate") else "/estate", again=again
    )


@get("/estate/buildings", opt=EDITORS)
async def buildings(request: Request, office_id: int, edit: FromQuery[int | None] = None) -> Template:
    """The office's buildings: add, rename, deactivate."""
    rows = await service.list_buildings(office_id)
    values = next(({"building_id": b.id, "name": b.name, "sort_order": b.sort_order} for b in rows if b.id == edit), {})
    return page(request, "estate/buildings.html", rows=rows, values=values)


@post("/estate/buildings", opt=EDITORS)
async def building_save(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Add or rename a building."""

    async def again(outcome: FormOutcome) -> Template:
        rows = await service.list_buildings(staff.office_id)
        return page(request, "estate/buildings.html", rows=rows, values=outcome.values, errors=outcome.errors)

    return await submit_form(staff, BuildingSave, data, done="/estate/buildings", again=again)


@get("/estate/parking", opt=READERS)
async def parking(
    request: Request, staff: CurrentStaff, office_id: int, edit: FromQuery[int | None] = None
) -> Template:
    """E4: parking spaces let through the centre, with rent and period."""
    rows = await service.list_parking(office_id)
    values = next((_parking_values(p) for p in rows if p.id == edit), {})
    units = await service.unit_options(office_id)
    can_edit = staff.role in service.EDITORS
    return page(request, "estate/parking.html", rows=rows, values=values, units=units, can_edit=can_edit)


@post("/estate/parking", opt=EDITORS)
async def parking_save(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Add or edit a parking space."""

    async def again(outcome: FormOutcome) -> Template:
        rows, units = await service.list_parking(staff.office_id), await service.unit_options(staff.office_id)
        return page(
            request,
            "estate/parking.html",
            rows=rows,
            units=units,
            can_edit=True,
            values=outcome.values,
            errors=outcome.errors,
        )

    return await submit_form(staff, ParkingSave, data, done="/estate/parking", again=again)


ROUTES = [
    register, unit_new, unit_detail, unit_edit, unit_save, resident_save, resident_edit, resident_end,
    set_active, buildings, building_save, parking, parking_save, *IMPORT_ROUTES, *FILE_ROUTES,
]  # fmt: skip

"""The supervisor's setup pages: routes, checkpoints and check items (P1, P2), the printable QR
sheet of a route, and the departments' rectification deadlines (P3). Online forms, 422 on bad input."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from app.errors import RuleViolation
from app.forms import FormErrors, parse_form
from app.i18n import _
from app.org.departments import DEPARTMENTS
from app.org.tables import Building
from app.patrols import service
from app.patrols._web import Form, form_values
from app.patrols.schemas import CheckItemForm, CheckpointForm, DeadlineForm, RouteForm
from app.web import current_staff, page

SETUP = {"roles": service.SETUP_ROLES}
PRINTERS = {"roles": service.SETUP_ROLES | {"manager"}}
_ITEM_FIELD = re.compile(r"^(item|new)-(\d+)-(label|department|remove)$")


async def _buildings(office_id: int) -> list[tuple[int, str]]:
    rows = (
        await Building.select(Building.id, Building.name)
        .where(Building.office == office_id)
        .order_by(Building.sort_order)
    )
    return [(r["id"], r["name"]) for r in rows]


def _optional(values: dict[str, str], *names: str) -> dict[str, Any]:
    """Empty optional fields are left out, so the Struct's default (None) applies."""
    return {k: v for k, v in values.items() if not (k in names and v == "")}


@get("/patrols/routes", opt=SETUP)
async def routes_list(request: Request) -> Template:
    """The office's routes (active and retired), and a form for a new one."""
    staff = current_staff(request)
    return page(
        request,
        "patrols/routes.html",
        routes=await service.list_routes(staff.office_id),
        kinds=service.ROUTE_KINDS,
        values={"daily_rounds": 1},
    )


@post("/patrols/routes", opt=SETUP)
async def route_create(request: Request, data: Form) -> Response | Template:
    """P1: a new route."""
    staff = current_staff(request)
    values = form_values(data)
    try:
        route_id = await service.create_route(staff, parse_form(RouteForm, values))
    except FormErrors as exc:
        routes = await service.list_routes(staff.office_id)
        return page(
            request,
            "patrols/routes.html",
            status_code=422,
            routes=routes,
            kinds=service.ROUTE_KINDS,
            errors=exc.errors,
            values=values,
        )
    return Redirect(f"/patrols/routes/{route_id}", status_code=303)


async def _route_page(request: Request, route_id: int, status_code: int = 200, **extra: Any) -> Template:
    staff = current_staff(request)
    route = await service.get_route(staff.office_id, route_id)
    extra.setdefault("values", route)
    return page(
        request,
        "patrols/route_form.html",
        status_code=status_code,
        route=route,
        checkpoints=await service.route_checkpoints(staff.office_id, route_id, active_only=False),
        buildings=await _buildings(staff.office_id),
        kinds=service.ROUTE_KINDS,
        departments=DEPARTMENTS,
        **extra,
    )


@get("/patrols/routes/{route_id:int}", opt=SETUP)
async def route_edit(request: Request, route_id: FromPath[int]) -> Template:
    """A route: its settings and its checkpoints in order."""
    return await _route_page(request, route_id)


@post("/patrols/routes/{route_id:int}", opt=SETUP)
async def route_update(request: Request, route_id: FromPath[int], data: Form) -> Response | Template:
    """Save a route's settings."""
    values = form_values(data)
    try:
        await service.update_route(current_staff(request), route_id, parse_form(RouteForm, values))
    except FormErrors as exc:
        return await _route_page(request, route_id, 422, errors=exc.errors, values=values)
    except RuleViolation as exc:
        return await _route_page(request, route_id, 422, errors={exc.field: exc.message}, values=values)
    return Redirect(f"/patrols/routes/{route_id}", status_code=303)


@post("/patrols/routes/{route_id:int}/checkpoints", opt=SETUP)
async def checkpoint_add(request: Request, route_id: FromPath[int], data: Form) -> Response | Template:
    """P1: a checkpoint at the end of the route (its short code is made here)."""
    values = {**form_values(data), "active": "true"}
    try:
        form = parse_form(CheckpointForm, _optional(values, "building_id"))
        checkpoint_id = await service.add_checkpoint(current_staff(request), route_id, form)
    except FormErrors as exc:
        return await _route_page(request, route_id, 422, cp_errors=exc.errors, cp_values=values)
    except RuleViolation as exc:
        return await _route_page(request, route_id, 422, cp_errors={exc.field: exc.message}, cp_values=values)
    return Redirect(f"/patrols/checkpoints/{checkpoint_id}", status_code=303)


async def _checkpoint_page(request: Request, checkpoint_id: int, status_code: int = 200, **extra: Any) -> Template:
    staff = current_staff(request)
    checkpoint = await service.get_checkpoint(staff.office_id, checkpoint_id)
    extra.setdefault("values", checkpoint)
    return page(
        request,
        "patrols/checkpoint_form.html",
        status_code=status_code,
        checkpoint=checkpoint,
        route=await service.get_route(staff.office_id, checkpoint["route"]),
        buildings=await _buildings(staff.office_id),
        departments=DEPARTMENTS,
        item_errors=extra.pop("item_errors", {}),
        **extra,
    )


@get("/patrols/checkpoints/{checkpoint_id:int}", opt=SETUP)
async def checkpoint_edit(request: Request, checkpoint_id: FromPath[int]) -> Template:
    """A checkpoint and its check items (P1, P2)."""
    return await _checkpoint_page(request, checkpoint_id)


def _items(values: dict[str, str]) -> tuple[dict[int, dict], dict[int, dict], set[int]]:
    existing: dict[int, dict] = {}
    new: dict[int, dict] = {}
    remove: set[int] = set()
    for key, value in values.items():
        if m := _ITEM_FIELD.match(key):
            kind, number, part = m.group(1), int(m.group(2)), m.group(3)
            if part == "remove":
                remove.add(number)
                continue
            (existing if kind == "item" else new).setdefault(number, {})[part] = value
    return existing, new, remove


@post("/patrols/checkpoints/{checkpoint_id:int}", opt=SETUP)
async def checkpoint_update(request: Request, checkpoint_id: FromPath[int], data: Form) -> Response | Template:
    """Save a checkpoint and its check items; a blank new row is ignored, a removed item is retired."""
    values = form_values(data)
    existing, new, remove = _items(values)
    item_errors: dict[str, str] = {}
    items: dict[int, CheckItemForm] = {}
    new_items: list[CheckItemForm] = []
    for kind, rows in (("item", existing), ("new", new)):
        for number, fields in sorted(rows.items()):
            if kind == "new" and not fields.get("label"):
                continue
            try:
                item = parse_form(CheckItemForm, fields)
            except FormErrors as exc:
                for field, message in exc.errors.items():
                    item_errors[f"{kind}-{number}-{field}"] = message
                continue
            if kind == "item":
                items[number] = item
            else:
                new_items.append(item)
    try:
        form = parse_form(CheckpointForm, _optional(values, "building_id"))
        if item_errors:
            raise FormErrors({None: _("Correct the check items marked below.")}, values)
        await service.update_checkpoint(current_staff(request), checkpoint_id, form, items, new_items, remove)
    except FormErrors as exc:
        return await _checkpoint_page(
            request, checkpoint_id, 422, errors=exc.errors, values=values, item_errors=item_errors
        )
    except RuleViolation as exc:
        return await _checkpoint_page(request, checkpoint_id, 422, errors={exc.field: exc.message}, values=values)
    return Redirect(f"/patrols/checkpoints/{checkpoint_id}", status_code=303)


@post("/patrols/checkpoints/{checkpoint_id:int}/move", opt=SETUP)
async def checkpoint_move(request: Request, checkpoint_id: FromPath[int], data: Form) -> Response:
    """Move a checkpoint one place up or down the route."""
    step = -1 if form_values(data).get("direction") == "up" else 1
    route_id = await service.move_checkpoint(current_staff(request), checkpoint_id, step)
    return Redirect(f"/patrols/routes/{route_id}#cp-{checkpoint_id}", status_code=303)


@get("/patrols/routes/{route_id:int}/qr", opt=PRINTERS)
async def qr_sheet(request: Request, route_id: FromPath[int]) -> Template:
    """The printable sheet: one QR code per checkpoint with its name and the short code under it."""
    staff = current_staff(request)
    route = await service.get_route(staff.office_id, route_id)
    base = str(request.base_url).rstrip("/")
    checkpoints = await service.route_checkpoints(staff.office_id, route_id)
    for cp in checkpoints:
        cp["qr"] = service.qr_svg(f"{base}/patrols/c/{cp['code']}")
    return page(request, "patrols/qr.html", route=route, checkpoints=checkpoints)


@get("/patrols/settings", opt=SETUP)
async def settings_page(request: Request) -> Template:
    """P3: how many days each department gets to rectify (the default deadline)."""
    days = await service.deadline_days(current_staff(request).office_id)
    return page(request, "patrols/settings.html", departments=DEPARTMENTS, values={k: str(v) for k, v in days.items()})


@post("/patrols/settings", opt=SETUP)
async def settings_save(request: Request, data: Form) -> Response | Template:
    """Save the departments' default deadlines."""
    values = form_values(data)
    days: dict[str, int] = {}
    errors: dict[str | None, str] = {}
    for department in DEPARTMENTS:
        try:
            days[department] = parse_form(DeadlineForm, {"days": values.get(department, "")}).days
        except FormErrors as exc:
            errors[department] = exc.errors.get("days") or next(iter(exc.errors.values()))
    if errors:
        return page(
            request, "patrols/settings.html", status_code=422, departments=DEPARTMENTS, errors=errors, values=values
        )
    await service.set_deadline_days(current_staff(request), days)
    return Redirect("/patrols/settings?saved=1", status_code=303)


ROUTES = [
    routes_list,
    route_create,
    route_edit,
    route_update,
    checkpoint_add,
    checkpoint_edit,
    checkpoint_update,
    checkpoint_move,
    qr_sheet,
    settings_page,
    settings_save,
]

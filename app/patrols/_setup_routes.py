"""The supervisor's setup pages: routes, checkpoints and check items (P1, P2), the printable QR
sheet of a route, and the departments' rectification deadlines (P3). Online forms, 422 on bad input."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from app.auth.schemas import CurrentStaff
from app.errors import RuleViolation
from app.forms import FormErrors, parse_form
from app.i18n import _
from app.org.departments import DEPARTMENTS
from app.org.service import buildings_of_office
from app.patrols import service
from app.patrols._web import Form, form_values
from app.patrols.schemas import CheckItemForm, CheckpointForm, DeadlineForm, RouteForm
from app.web import page

SETUP = {"roles": service.SETUP_ROLES}
PRINTERS = {"roles": service.SETUP_ROLES | {"manager"}}
_ITEM_FIELD = re.compile(r"^(item|new)-(\d+)-(label|department|remove)$")
Errors = dict[str | None, str]


async def _buildings(office_id: int) -> list[tuple[int, str]]:
    return [(r["id"], r["name"]) for r in await buildings_of_office(office_id)]


def _optional(values: dict[str, str], *names: str) -> dict[str, Any]:
    """Empty optional fields are left out, so the Struct's default (None) applies."""
    return {k: v for k, v in values.items() if not (k in names and v == "")}


async def _routes_page(request: Request, staff: CurrentStaff, status_code: int = 200, **extra: Any) -> Template:
    routes = await service.list_routes(staff.office_id)
    extra.setdefault("values", {"daily_rounds": 1})
    return page(
        request, "patrols/routes.html", status_code=status_code, routes=routes, kinds=service.ROUTE_KINDS, **extra
    )


@get("/patrols/routes", opt=SETUP)
async def routes_list(request: Request, staff: CurrentStaff) -> Template:
    """The office's routes (active and retired), and a form for a new one."""
    return await _routes_page(request, staff)


@post("/patrols/routes", opt=SETUP)
async def route_create(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """P1: a new route."""
    values = form_values(data)
    try:
        route_id = await service.create_route(staff, parse_form(RouteForm, values))
    except FormErrors as exc:
        return await _routes_page(request, staff, 422, errors=exc.errors, values=values)
    return Redirect(f"/patrols/routes/{route_id}", status_code=303)


async def _route_page(
    request: Request, staff: CurrentStaff, route_id: int, status_code: int = 200, **extra: Any
) -> Template:
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
async def route_edit(request: Request, staff: CurrentStaff, route_id: FromPath[int]) -> Template:
    """A route: its settings and its checkpoints in order."""
    return await _route_page(request, staff, route_id)


@post("/patrols/routes/{route_id:int}", opt=SETUP)
async def route_update(
    request: Request, staff: CurrentStaff, route_id: FromPath[int], data: Form
) -> Response | Template:
    """Save a route's settings."""
    values = form_values(data)
    try:
        await service.update_route(staff, route_id, parse_form(RouteForm, values))
    except FormErrors as exc:
        return await _route_page(request, staff, route_id, 422, errors=exc.errors, values=values)
    except RuleViolation as exc:
        return await _route_page(request, staff, route_id, 422, errors={exc.field: exc.message}, values=values)
    return Redirect(f"/patrols/routes/{route_id}", status_code=303)


@post("/patrols/routes/{route_id:int}/checkpoints", opt=SETUP)
async def checkpoint_add(
    request: Request, staff: CurrentStaff, route_id: FromPath[int], data: Form
) -> Response | Template:
    """P1: a checkpoint at the end of the route (its short code is made here)."""
    values = {**form_values(data), "active": "true"}
    try:
        form = parse_form(CheckpointForm, _optional(values, "building_id"))
        checkpoint_id = await service.add_checkpoint(staff, route_id, form)
    except FormErrors as exc:
        return await _route_page(request, staff, route_id, 422, cp_errors=exc.errors, cp_values=values)
    except RuleViolation as exc:
        return await _route_page(request, staff, route_id, 422, cp_errors={exc.field: exc.message}, cp_values=values)
    return Redirect(f"/patrols/checkpoints/{checkpoint_id}", status_code=303)


async def _checkpoint_page(
    request: Request, staff: CurrentStaff, checkpoint_id: int, status_code: int = 200, **extra: Any
) -> Template:
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
async def checkpoint_edit(request: Request, staff: CurrentStaff, checkpoint_id: FromPath[int]) -> Template:
    """A checkpoint and its check items (P1, P2)."""
    return await _checkpoint_page(request, staff, checkpoint_id)


def _item_rows(values: dict[str, str]) -> tuple[dict[int, dict], dict[int, dict], set[int]]:
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


class _Items:
    """The check-item rows of a posted checkpoint form: a blank new row is ignored, errors are
    named `<kind>-<n>-<field>` for the row they belong to."""

    def __init__(self, values: dict[str, str]) -> None:
        existing, new, self.remove = _item_rows(values)
        self.errors: dict[str, str] = {}
        self.items: dict[int, CheckItemForm] = {}
        self.new: list[CheckItemForm] = []
        for kind, rows in (("item", existing), ("new", new)):
            for number, fields in sorted(rows.items()):
                if kind == "new" and not fields.get("label"):
                    continue
                try:
                    item = parse_form(CheckItemForm, fields)
                except FormErrors as exc:
                    self.errors.update({f"{kind}-{number}-{field}": m for field, m in exc.errors.items()})
                    continue
                if kind == "item":
                    self.items[number] = item
                else:
                    self.new.append(item)


async def _save_checkpoint(staff: CurrentStaff, checkpoint_id: int, values: dict[str, str], items: _Items) -> None:
    form = parse_form(CheckpointForm, _optional(values, "building_id"))
    if items.errors:
        raise FormErrors({None: _("Correct the check items marked below.")}, values)
    await service.update_checkpoint(staff, checkpoint_id, form, items.items, items.new, items.remove)


@post("/patrols/checkpoints/{checkpoint_id:int}", opt=SETUP)
async def checkpoint_update(
    request: Request, staff: CurrentStaff, checkpoint_id: FromPath[int], data: Form
) -> Response | Template:
    """Save a checkpoint and its check items; a blank new row is ignored, a removed item is retired."""
    values = form_values(data)
    items = _Items(values)
    try:
        await _save_checkpoint(staff, checkpoint_id, values, items)
    except (FormErrors, RuleViolation) as exc:
        errors = exc.errors if isinstance(exc, FormErrors) else {exc.field: exc.message}
        item_errors = items.errors if isinstance(exc, FormErrors) else {}
        context = {"errors": errors, "values": values, "item_errors": item_errors}
        return await _checkpoint_page(request, staff, checkpoint_id, 422, **context)
    return Redirect(f"/patrols/checkpoints/{checkpoint_id}", status_code=303)


@post("/patrols/checkpoints/{checkpoint_id:int}/move", opt=SETUP)
async def checkpoint_move(staff: CurrentStaff, checkpoint_id: FromPath[int], data: Form) -> Response:
    """Move a checkpoint one place up or down the route."""
    step = -1 if form_values(data).get("direction") == "up" else 1
    route_id = await service.move_checkpoint(staff, checkpoint_id, step)
    return Redirect(f"/patrols/routes/{route_id}#cp-{checkpoint_id}", status_code=303)


@get("/patrols/routes/{route_id:int}/qr", opt=PRINTERS)
async def qr_sheet(request: Request, staff: CurrentStaff, route_id: FromPath[int]) -> Template:
    """The printable sheet: one QR code per checkpoint with its name and the short code under it."""
    route = await service.get_route(staff.office_id, route_id)
    base = str(request.base_url).rstrip("/")
    checkpoints = await service.route_checkpoints(staff.office_id, route_id)
    for cp in checkpoints:
        cp["qr"] = service.qr_svg(f"{base}/patrols/c/{cp['code']}")
    return page(request, "patrols/qr.html", route=route, checkpoints=checkpoints)


@get("/patrols/settings", opt=SETUP)
async def settings_page(request: Request, staff: CurrentStaff) -> Template:
    """P3: how many days each department gets to rectify (the default deadline)."""
    days = await service.deadline_days(staff.office_id)
    return page(request, "patrols/settings.html", departments=DEPARTMENTS, values={k: str(v) for k, v in days.items()})


def _deadlines(values: dict[str, str]) -> tuple[dict[str, int], Errors]:
    """Each department's days, or the message beside its field."""
    days: dict[str, int] = {}
    errors: Errors = {}
    for department in DEPARTMENTS:
        try:
            days[department] = parse_form(DeadlineForm, {"days": values.get(department, "")}).days
        except FormErrors as exc:
            errors[department] = exc.errors.get("days") or next(iter(exc.errors.values()))
    return days, errors


@post("/patrols/settings", opt=SETUP)
async def settings_save(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Save the departments' default deadlines."""
    values = form_values(data)
    days, errors = _deadlines(values)
    if errors:
        context = {"departments": DEPARTMENTS, "errors": errors, "values": values}
        return page(request, "patrols/settings.html", status_code=422, **context)
    await service.set_deadline_days(staff, days)
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

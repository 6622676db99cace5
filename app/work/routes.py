"""Request and work-order pages: intake, lists, the request and order pages (printable), the
four-copy paid-service slip, and the settings page. Writes go through the sync service, the same
path the phones' outboxes use (plain-form fallbacks included)."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app.errors import RuleViolation
from app.followups import complaints
from app.web import current_staff, is_htmx, page
from app.work import _settings_routes as settings_routes
from app.work import service
from app.work._forms import Form, apply_form, form_values, int_or_none, text, values_list

READ = {"roles": service.READERS}
INTAKE = {"roles": service.INTAKE_ROLES}


# --- lists ----------------------------------------------------------------------------------------------


@get(["/work", "/work/orders"], opt=READ)
async def orders_page(request: Request, view: FromQuery[str | None] = None) -> Template:
    """Work orders by view: mine, the lead's queue, open, overdue (W4), escalated (W5), done."""
    staff = current_staff(request)
    view = view if view in service.ORDER_VIEWS else service.default_order_view(staff)
    orders = await service.list_orders(staff, view, service.now())
    cache = [f"/work/orders/{o['id']}" for o in orders if o["assignee"] == staff.id and not o["done"]]
    template = "work/_order_rows.html" if is_htmx(request) else "work/orders.html"
    return page(request, template, view=view, orders=orders, cache_pages=cache, section="orders")


@get("/work/requests", opt=READ)
async def requests_page(request: Request, view: FromQuery[str | None] = None) -> Template:
    """Requests by view: mine (C4), open, from the night and control room (W8, D11), closed."""
    staff = current_staff(request)
    view = view if view in service.REQUEST_VIEWS else service.default_request_view(staff)
    now = service.now()
    rows = await service.list_requests(staff, view, now)
    items = await service.night_items(staff) if view == "night" else []
    template = "work/_request_rows.html" if is_htmx(request) else "work/requests.html"
    countdowns = await complaints.countdowns(staff, [r["id"] for r in rows if r["kind"] == "complaint"], now)
    return page(request, template, view=view, rows=rows, countdowns=countdowns, night_items=items, section="requests")


# --- intake (W1) -----------------------------------------------------------------------------------------


async def _intake_context(request: Request) -> dict:
    staff = current_staff(request)
    return {
        "units": await service.unit_directory(staff.office_id),
        "categories": [(code, label) for code, (label, _hours) in service.CATEGORIES.items()],
        "channels": service.CHANNELS,
        "kinds": service.REQUEST_KINDS,
        "urgency": service.URGENCY,
        "recent": await service.recent_requests(staff, service.now()),
        "new_id": str(uuid.uuid4()),
        "section": "intake",
    }


@get("/work/requests/new", opt=INTAKE)
async def intake_page(request: Request, handover_item: FromQuery[UUID | None] = None) -> Template:
    """The intake form (W1), offline-capable; below it, the last requests this person took.
    `?handover_item=` starts from a night item of the handover (D11)."""
    staff = current_staff(request)
    if is_htmx(request):
        recent = await service.recent_requests(staff, service.now())
        return page(request, "work/_recent.html", recent=recent)
    values: dict[str, Any] = {}
    if handover_item is not None and (item := await service.night_item(staff, handover_item)) is not None:
        values = {"description": item["text"], "handover_item_id": str(item["id"]), "channel": "phone"}
    return page(request, "work/intake.html", values=values, **await _intake_context(request))


def _unit_from_search(text: str, units: list[dict]) -> int | None:
    """Without JavaScript, the unit is found from the search text (e.g. "1栋 1-101")."""
    text = text.strip()
    if not text:
        return None
    for unit in units:
        if text == unit["label"] or text.split(" ")[-1] == unit["label"].split(" ")[-1]:
            return unit["id"]
    return None


@post("/work/requests", opt=INTAKE)
async def intake_submit(request: Request, data: Form) -> Response | Template:
    """Plain-form fallback of `request.create`."""
    values = form_values(data)
    staff = current_staff(request)
    unit_id = int_or_none(values, "unit_id")
    if unit_id is None:
        unit_id = _unit_from_search(text(values, "_unit_search"), await service.unit_directory(staff.office_id))
    mutation = {
        "channel": text(values, "channel"),
        "kind": text(values, "kind"),
        "category": text(values, "category"),
        "unit_id": unit_id,
        "location": text(values, "location"),
        "resident_name": text(values, "resident_name"),
        "resident_phone": text(values, "resident_phone"),
        "description": text(values, "description"),
        "urgency": text(values, "urgency") or "normal",
        "appointment_at": text(values, "appointment_at") or None,
        "handover_item_id": text(values, "handover_item_id") or None,
    }
    errors = await apply_form(request, "request.create", mutation, text(values, "id") or None)
    if not errors:
        return Redirect("/work/requests/new", status_code=303)
    context = await _intake_context(request)
    return page(request, "work/intake.html", status_code=422, errors=errors, values=values, **context)


# --- a request (C4) ----------------------------------------------------------------------------------------


async def _request_context(request: Request, request_id: UUID) -> dict:
    staff = current_staff(request)
    record = await service.get_request(staff, request_id, service.now())
    return {
        "r": record,
        "events": record["events"],
        "assignees": await service.assignees(staff.office_id) if record["can_issue"] else [],
        "new_id": str(uuid.uuid4()),
        "section": "requests",
    }


@get("/work/requests/{request_id:uuid}", opt=READ)
async def request_page(request: Request, request_id: FromPath[UUID]) -> Template:
    """A request: who owns it (C4), its work order and its whole history; printable."""
    context = await _request_context(request, request_id)
    template = "work/_request_live.html" if is_htmx(request) else "work/request.html"
    return page(request, template, **context)


@post("/work/requests/{request_id:uuid}/order", opt={"roles": service.INTAKE_ROLES})
async def issue_submit(request: Request, request_id: FromPath[UUID], data: Form) -> Response | Template:
    """Plain-form fallback of `work_order.issue` (W2)."""
    values = form_values(data)
    order_id = text(values, "id") or str(uuid.uuid4())
    mutation = {
        "request_id": str(request_id),
        "assignee_id": int_or_none(values, "assignee_id"),
        "paid": 1 if text(values, "paid") == "1" else 0,
        "appointment_at": text(values, "appointment_at") or None,
        "note": text(values, "note"),
    }
    errors = await apply_form(request, "work_order.issue", mutation, order_id)
    if not errors:
        return Redirect(f"/work/requests/{request_id}", status_code=303)
    context = await _request_context(request, request_id)
    return page(request, "work/request.html", status_code=422, errors=errors, values=values, **context)


@post("/work/requests/{request_id:uuid}/close", opt=READ)
async def close_submit(request: Request, request_id: FromPath[UUID], data: Form) -> Response | Template:
    """Plain-form fallback of `request.close` (C4)."""
    values = form_values(data)
    mutation = {"request_id": str(request_id), "note": text(values, "note")}
    errors = await apply_form(request, "request.close", mutation)
    if not errors:
        return Redirect(f"/work/requests/{request_id}", status_code=303)
    context = await _request_context(request, request_id)
    return page(request, "work/request.html", status_code=422, errors=errors, values=values, **context)


# --- a work order ------------------------------------------------------------------------------------------


async def _order_context(request: Request, order_id: UUID) -> dict:
    staff = current_staff(request)
    order = await service.get_order(staff, order_id, service.now())
    mine = order["is_mine"]
    return {
        "o": order,
        "events": order["events"],
        "materials_list": await service.materials(staff.office_id, active_only=True) if mine else [],
        "price_list": await service.price_list(staff.office_id, active_only=True) if mine else [],
        "payment_methods": service.PAYMENT_METHODS,
        "assignees": await service.assignees(staff.office_id) if order["can_dispatch"] else [],
        "order_states": service.ORDER_STATES,
        "section": "orders",
    }


@get("/work/orders/{order_id:uuid}", opt=READ)
async def order_page(request: Request, order_id: FromPath[UUID]) -> Template:
    """A work order: the technician's steps (offline-capable), the lead's and the manager's actions,
    and its whole history; printable."""
    context = await _order_context(request, order_id)
    template = "work/_order_live.html" if is_htmx(request) else "work/order.html"
    return page(request, template, **context)


def _expected(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "expected_state": text(values, "expected_state"),
        "expected_assignee": int_or_none(values, "expected_assignee"),
    }


def _lines(ids: list[str], quantities: list[str], key: str) -> list[dict]:
    lines = []
    for item_id, quantity in zip(ids, quantities, strict=False):
        if item_id.isdigit() and quantity:
            lines.append({key: int(item_id), "quantity": quantity})
    return lines


def _order_mutation(action: str, order_id: UUID, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The mutation a plain form of the order page stands for (the same fields the phone sends)."""
    base: dict[str, Any] = {"order_id": str(order_id)}
    if action == "accept":
        return "work_order.accept", {**base, **_expected(values), "note": text(values, "note")}
    if action == "arrive":
        return "work_order.arrive", {**base, **_expected(values), "note": text(values, "note")}
    if action == "materials":
        lines = _lines(values_list(values, "material_id"), values_list(values, "quantity"), "material_id")
        return "work_order.add_materials", {
            **base,
            "expected_state": text(values, "expected_state"),
            "lines": lines,
            "note": text(values, "note"),
        }
    if action == "charges":
        ids = [k.removeprefix("qty_") for k in values if k.startswith("qty_")]
        lines = _lines(ids, [text(values, f"qty_{i}") for i in ids], "price_item_id")
        return "work_order.charges", {
            **base,
            **_expected(values),
            "lines": lines,
            "payment_method": text(values, "payment_method"),
            "resident_agreed": text(values, "resident_agreed") in ("on", "true", "1"),
            "note": text(values, "note"),
        }
    if action == "complete":
        return "work_order.complete", {
            **base,
            **_expected(values),
            "note": text(values, "note"),
            "signature": text(values, "signature") or None,
            "signed_by": text(values, "signed_by"),
        }
    if action == "cannot_fix":
        return "work_order.cannot_fix", {**base, **_expected(values), "reason": text(values, "reason")}
    if action == "dispatch":
        return "work_order.dispatch", {
            **base,
            "expected_state": text(values, "expected_state"),
            "assignee_id": int_or_none(values, "assignee_id"),
            "note": text(values, "note"),
        }
    if action in ("escalate", "resolve"):
        return f"work_order.{action}", {
            **base,
            "expected_state": text(values, "expected_state"),
            "note": text(values, "note"),
        }
    raise RuleViolation("unknown_action", "?")


ACTIONS = ("accept", "arrive", "materials", "charges", "complete", "cannot_fix", "dispatch", "escalate", "resolve")


@post("/work/orders/{order_id:uuid}/{action:str}", opt=READ)
async def order_action(
    request: Request, order_id: FromPath[UUID], action: FromPath[str], data: Form
) -> Response | Template:
    """Plain-form fallback of the order page's forms: the same mutations the phone sends."""
    if action not in ACTIONS:
        raise NotFoundException()
    values = form_values(data)
    type_, mutation = _order_mutation(action, order_id, values)
    errors = await apply_form(request, type_, mutation, text(values, "id") or None)
    if not errors:
        return Redirect(f"/work/orders/{order_id}", status_code=303)
    context = await _order_context(request, order_id)
    errors = {(f"{action}.{k}" if k else f"{action}."): v for k, v in errors.items()}
    return page(request, "work/order.html", status_code=422, errors=errors, values=values, form=action, **context)


@get("/work/orders/{order_id:uuid}/slip", opt=READ)
async def slip_page(request: Request, order_id: FromPath[UUID]) -> Template:
    """The paid-service slip in four copies (S3): 1 and 3 service centre (3 = billing voucher),
    2 engineering, 4 resident."""
    staff = current_staff(request)
    order = await service.get_order(staff, order_id, service.now())
    return page(request, "work/slip.html", o=order, copies=SLIP_COPIES)


SLIP_COPIES = (
    (1, "service_centre"),
    (2, "engineering"),
    (3, "voucher"),
    (4, "resident"),
)


ROUTES = [
    orders_page,
    requests_page,
    intake_page,
    intake_submit,
    request_page,
    issue_submit,
    close_submit,
    order_page,
    order_action,
    slip_page,
    *settings_routes.ROUTES,
]

"""Request and work-order pages: intake, lists, the request and order pages (printable), the
four-copy paid-service slip, and the settings page. Writes go through the sync service, the same
path the phones' outboxes use (plain-form fallbacks included)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.fees import service as fees
from app.sync.forms import FormOutcome, Render, submit_form
from app.sync.schemas import Mutation
from app.web import is_htmx, page
from app.work import _settings_routes as settings_routes
from app.work import hooks, service
from app.work.schemas import (
    RequestClose,
    RequestCreate,
    WorkOrderAccept,
    WorkOrderAddMaterials,
    WorkOrderArrive,
    WorkOrderCannotFix,
    WorkOrderCharges,
    WorkOrderComplete,
    WorkOrderDispatch,
    WorkOrderEscalate,
    WorkOrderIssue,
    WorkOrderResolve,
)

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
READ = {"roles": service.READERS}
INTAKE = {"roles": service.INTAKE_ROLES}


# --- lists ----------------------------------------------------------------------------------------------


@get(["/work", "/work/orders"], opt=READ)
async def orders_page(
    request: Request,
    staff: CurrentStaff,
    view: FromQuery[str | None] = None,
    before: paging.Before = None,
    after: paging.After = None,
) -> Template:
    """Work orders by view — mine, the lead's queue, open, overdue (W4), escalated (W5), done — 50 a page."""
    view = view if view in service.ORDER_VIEWS else service.default_order_view(staff)
    newest_first = service.orders_newest_first(view)
    cursor = paging.parse(before if newest_first else after)
    orders, more = await service.page_of_orders(staff, view, service.now(), cursor)
    pager = paging.pager(request.url.path, {"view": view}, more, cursor is not None, newest_first=newest_first)
    cache = [f"/work/orders/{o['id']}" for o in orders if o["assignee"] == staff.id and not o["done"]]
    template = "work/_order_rows.html" if is_htmx(request) else "work/orders.html"
    return page(request, template, view=view, orders=orders, pager=pager, cache_pages=cache, section="orders")


@get("/work/requests", opt=READ)
async def requests_page(
    request: Request, staff: CurrentStaff, view: FromQuery[str | None] = None, before: paging.Before = None
) -> Template:
    """Requests by view: mine (C4), open, from the night and control room (W8, D11), closed; 50 a page."""
    view = view if view in service.REQUEST_VIEWS else service.default_request_view(staff)
    now, cursor = service.now(), paging.parse(before)
    rows, more = await service.page_of_requests(staff, view, now, cursor)
    context: dict[str, Any] = {
        "view": view,
        "rows": rows,
        "pager": paging.pager("/work/requests", {"view": view}, more, cursor is not None),
        "countdowns": await hooks.countdowns(staff, [r["id"] for r in rows if r["kind"] == "complaint"], now),
        "night_items": await service.night_items(staff) if view == "night" else [],
    }
    template = "work/_request_rows.html" if is_htmx(request) else "work/requests.html"
    return page(request, template, section="requests", **context)


# --- intake (W1) -----------------------------------------------------------------------------------------


async def _intake_context(staff: CurrentStaff) -> dict:
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
async def intake_page(request: Request, staff: CurrentStaff, handover_item: FromQuery[UUID | None] = None) -> Template:
    """The intake form (W1), offline-capable; `?handover_item=` starts from a night item of the handover (D11)."""
    if is_htmx(request):
        return page(request, "work/_recent.html", recent=await service.recent_requests(staff, service.now()))
    values: dict[str, Any] = {}
    if handover_item is not None and (item := await service.night_item(staff, handover_item)) is not None:
        values = {"description": item["text"], "handover_item_id": str(item["id"]), "channel": "phone"}
    return page(request, "work/intake.html", values=values, **await _intake_context(staff))


def _unit_from_search(text: str, units: list[dict]) -> int | None:
    """Without JavaScript, the unit is found from the search text (e.g. "1栋 1-101")."""
    text = text.strip()
    if not text:
        return None
    for unit in units:
        if text == unit["label"] or text.split(" ")[-1] == unit["label"].split(" ")[-1]:
            return unit["id"]
    return None


async def _unit_of(staff: CurrentStaff, search: str) -> int | None:
    return _unit_from_search(search, await service.unit_directory(staff.office_id))


def _plain(data: dict[str, Any], *drop: str) -> dict[str, Any]:
    """A plain form without its file inputs (photos travel only with JavaScript) and `drop`ped fields."""
    return {k: v for k, v in data.items() if k not in ("photos", *drop)}


@post("/work/requests", opt=INTAKE)
async def intake_submit(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Plain-form fallback of `request.create`."""
    search = str(data.get("_unit_search") or "")
    unit_id = None if str(data.get("unit_id") or "").strip() else await _unit_of(staff, search)

    async def again(outcome: FormOutcome) -> Template:
        values = outcome.values | {"_unit_search": search.strip()}
        return page(request, "work/intake.html", errors=outcome.errors, values=values, **await _intake_context(staff))

    return await submit_form(
        staff, RequestCreate, _plain(data), done="/work/requests/new", again=again, unit_id=unit_id
    )


# --- a request (C4) ----------------------------------------------------------------------------------------


async def _request_context(staff: CurrentStaff, request_id: UUID) -> dict:
    record = await service.get_request(staff, request_id, service.now())
    return {
        "r": record,
        "events": record["events"],
        "assignees": await service.assignees(staff.office_id) if record["can_issue"] else [],
        "new_id": str(uuid.uuid4()),
        "section": "requests",
        "fee_status": await _fee_status(staff, record),
    }


FEE_STATUS_READERS = frozenset({"frontdesk", "duty", "supervisor", "manager"})


async def _fee_status(staff: CurrentStaff, record: dict) -> object:
    """$1: the unit's fee status for the service centre (seed 002: look at the complainant's fees),
    never for technicians; None when the request names no unit."""
    if not record.get("unit") or staff.role not in FEE_STATUS_READERS:
        return None
    return await fees.fee_status(record["office"], record["unit"]) or "none"


@get("/work/requests/{request_id:uuid}", opt=READ)
async def request_page(request: Request, staff: CurrentStaff, request_id: FromPath[UUID]) -> Template:
    """A request: who owns it (C4), its work order and its whole history; printable."""
    template = "work/_request_live.html" if is_htmx(request) else "work/request.html"
    return page(request, template, **await _request_context(staff, request_id))


def _request_again(request: Request, staff: CurrentStaff, request_id: UUID) -> Render:
    async def again(outcome: FormOutcome) -> Template:
        context = await _request_context(staff, request_id)
        return page(request, "work/request.html", errors=outcome.errors, values=outcome.values, **context)

    return again


@post("/work/requests/{request_id:uuid}/order", opt={"roles": service.INTAKE_ROLES})
async def issue_submit(
    request: Request, staff: CurrentStaff, request_id: FromPath[UUID], data: Form
) -> Response | Template:
    """Plain-form fallback of `work_order.issue` (W2); the form's `id` is the order's id."""
    again = _request_again(request, staff, request_id)
    done = f"/work/requests/{request_id}"
    return await submit_form(staff, WorkOrderIssue, data, done=done, again=again, request_id=request_id)


@post("/work/requests/{request_id:uuid}/close", opt=READ)
async def close_submit(
    request: Request, staff: CurrentStaff, request_id: FromPath[UUID], data: Form
) -> Response | Template:
    """Plain-form fallback of `request.close` (C4)."""
    again = _request_again(request, staff, request_id)
    done = f"/work/requests/{request_id}"
    return await submit_form(staff, RequestClose, data, done=done, again=again, request_id=request_id)


# --- a work order ------------------------------------------------------------------------------------------


async def _order_context(staff: CurrentStaff, order_id: UUID) -> dict:
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
async def order_page(request: Request, staff: CurrentStaff, order_id: FromPath[UUID]) -> Template:
    """A work order: the technician's steps (offline-capable), the lead's and the manager's actions,
    and its whole history; printable."""
    template = "work/_order_live.html" if is_htmx(request) else "work/order.html"
    return page(request, template, **await _order_context(staff, order_id))


ACTIONS: dict[str, type[Mutation]] = {
    "accept": WorkOrderAccept,
    "arrive": WorkOrderArrive,
    "materials": WorkOrderAddMaterials,
    "charges": WorkOrderCharges,
    "complete": WorkOrderComplete,
    "cannot_fix": WorkOrderCannotFix,
    "dispatch": WorkOrderDispatch,
    "escalate": WorkOrderEscalate,
    "resolve": WorkOrderResolve,
}


def _lines(pairs: list[tuple[Any, Any]], key: str) -> list[dict]:
    """The line rows of the materials and charges forms (the phone sends them as `lines`); blank rows skipped."""
    return [{key: int(i), "quantity": str(q).strip()} for i, q in pairs if str(i).isdigit() and str(q).strip()]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _order_form(action: str, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The plain form of an order action, and its `lines` when the form has rows of them."""
    if action == "materials":
        pairs = list(zip(_as_list(data.get("material_id", [])), _as_list(data.get("quantity", [])), strict=False))
        return _plain(data, "material_id", "quantity"), {"lines": _lines(pairs, "material_id")}
    if action == "charges":
        qty = [k for k in data if k.startswith("qty_")]
        pairs = [(k.removeprefix("qty_"), data[k]) for k in qty]
        return _plain(data, *qty), {"lines": _lines(pairs, "price_item_id")}
    return _plain(data), {}


def _order_again(request: Request, staff: CurrentStaff, order_id: UUID, action: str, data: dict) -> Render:
    """The order page again, each message beside the field of the form that was sent."""

    async def again(outcome: FormOutcome) -> Template:
        errors = {f"{action}.{k or ''}": v for k, v in outcome.errors.items()}
        values = outcome.values | {k: v for k, v in data.items() if k.startswith("qty_")}
        context = await _order_context(staff, order_id)
        return page(request, "work/order.html", errors=errors, values=values, form=action, **context)

    return again


@post("/work/orders/{order_id:uuid}/{action:str}", opt=READ)
async def order_action(
    request: Request, staff: CurrentStaff, order_id: FromPath[UUID], action: FromPath[str], data: Form
) -> Response | Template:
    """Plain-form fallback of the order page's forms: the same mutations the phone sends."""
    if action not in ACTIONS:
        raise NotFoundException()
    form, lines = _order_form(action, data)
    again = _order_again(request, staff, order_id, action, data)
    done = f"/work/orders/{order_id}"
    return await submit_form(staff, ACTIONS[action], form, done=done, again=again, order_id=order_id, **lines)


@get("/work/orders/{order_id:uuid}/slip", opt=READ)
async def slip_page(request: Request, staff: CurrentStaff, order_id: FromPath[UUID]) -> Template:
    """The paid-service slip in four copies (S3): 1 and 3 service centre (3 = billing voucher),
    2 engineering, 4 resident."""
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

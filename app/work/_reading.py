"""Reading requests and work orders: lists with overdue flags (W4), one record with its whole
history (who, what, when, from which phone, online or synced later)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from app.auth.schemas import CurrentStaff
from app.errors import check_found
from app.i18n import _
from app.org.service import office_ids_visible_to
from app.work._common import (
    CHANNELS,
    DISPATCHERS,
    DONE_ORDER_STATES,
    EVENT_KINDS,
    INTAKE_ROLES,
    OPEN_ORDER_STATES,
    ORDER_STATES,
    PAYMENT_METHODS,
    PRICE_KINDS,
    READERS,
    REQUEST_KINDS,
    REQUEST_STATES,
    RESOLVERS,
    TECHNICIAN_STATES,
    aware,
    category_label,
    due_time,
    quantity_text,
    require,
    tz_of,
    yuan,
)
from app.work._settings import category_settings
from app.work.tables import ServiceRequest, WorkEvent, WorkOrder, WorkOrderCharge, WorkOrderMaterial

LIST_LIMIT = 200
REQUEST_VIEWS = ("open", "mine", "night", "closed")
ORDER_VIEWS = ("mine", "queue", "open", "overdue", "escalated", "done")


def _scope(staff: CurrentStaff, column: Any) -> Any:
    ids = office_ids_visible_to(staff)
    return column.is_in(ids) if ids is not None else None


def _where(query: Any, staff: CurrentStaff, column: Any) -> Any:
    condition = _scope(staff, column)
    return query.where(condition) if condition is not None else query


def _local(value: datetime | None, staff: CurrentStaff) -> datetime | None:
    return aware(value).astimezone(tz_of(staff)) if value else None


def is_overdue(order: dict, now: datetime) -> bool:
    """W4: not finished and past its category's standard completion time."""
    return order["state"] in OPEN_ORDER_STATES and aware(order["due_at"]) < now


def _where_text(row: dict) -> str:
    unit = " ".join(p for p in (row.get("building_name"), row.get("unit_number")) if p)
    return " · ".join(p for p in (unit, row.get("location")) if p)


# --- directories for the forms -----------------------------------------------------------------------


# --- requests ------------------------------------------------------------------------------------------

_REQUEST_COLUMNS = (
    ServiceRequest.id,
    ServiceRequest.office,
    ServiceRequest.channel,
    ServiceRequest.kind,
    ServiceRequest.category,
    ServiceRequest.location,
    ServiceRequest.resident_name,
    ServiceRequest.resident_phone,
    ServiceRequest.description,
    ServiceRequest.photos,
    ServiceRequest.urgent,
    ServiceRequest.urgent_reason,
    ServiceRequest.alert_id,
    ServiceRequest.alert_late,
    ServiceRequest.appointment_at,
    ServiceRequest.owner,
    ServiceRequest.state,
    ServiceRequest.night,
    ServiceRequest.source,
    ServiceRequest.recorded_at,
    ServiceRequest.received_at,
    ServiceRequest.clock_suspect,
    ServiceRequest.synced_later,
    ServiceRequest.closed_at,
    ServiceRequest.unit,
    ServiceRequest.unit.number.as_alias("unit_number"),
    ServiceRequest.unit.building.name.as_alias("building_name"),  # type: ignore[union-attr]
    ServiceRequest.owner.display_name.as_alias("owner_name"),
)


async def _decorate_requests(rows: list[dict], staff: CurrentStaff, now: datetime) -> list[dict]:
    """Labels, local times, the order of each request, and overdue (W4): the order's, or — for a
    repair still waiting for its order — by the rule an order would be due by (`due_time`)."""
    orders = await _orders_of_requests(staff, [r["id"] for r in rows], now)
    hours: dict[int, dict] = {}
    for office_id in {r["office"] for r in rows}:
        hours[office_id] = await category_settings(office_id)
    result = []
    for row in rows:
        row = _decorate_request(row, staff, orders.get(row["id"]), now)
        if row["order"] is None and row["kind"] == "repair" and row["state"] == "open" and row["category"]:
            standard = hours[row["office"]].get(row["category"], {}).get("standard_hours")
            row["overdue"] = bool(standard) and due_time(row["recorded_at"], row["appointment_at"], standard) < now
        result.append(row)
    return result


def _decorate_request(row: dict, staff: CurrentStaff, order: dict | None, now: datetime) -> dict:
    row["where"] = _where_text(row)
    row["channel_label"] = str(CHANNELS.get(row["channel"], row["channel"]))
    row["kind_label"] = str(REQUEST_KINDS.get(row["kind"], row["kind"]))
    row["category_label"] = category_label(row["category"]) if row["category"] else ""
    row["state_label"] = str(REQUEST_STATES.get(row["state"], row["state"]))
    row["recorded_local"] = _local(row["recorded_at"], staff)
    row["received_local"] = _local(row["received_at"], staff)
    row["appointment_local"] = _local(row["appointment_at"], staff)
    row["order"] = order
    row["overdue"] = bool(order and order["overdue"])
    return row


async def _orders_of_requests(staff: CurrentStaff, request_ids: list[UUID], now: datetime) -> dict[UUID, dict]:
    if not request_ids:
        return {}
    rows = await WorkOrder.select(
        WorkOrder.id,
        WorkOrder.request,
        WorkOrder.seq,
        WorkOrder.state,
        WorkOrder.due_at,
        WorkOrder.paid,
        WorkOrder.assignee.display_name.as_alias("assignee_name"),
    ).where(WorkOrder.request.is_in(request_ids))
    result = {}
    for row in rows:
        row["overdue"] = is_overdue(row, now)
        row["state_label"] = str(ORDER_STATES.get(row["state"], row["state"]))
        row["due_local"] = _local(row["due_at"], staff)
        result[row["request"]] = row
    return result


def _requests_query(staff: CurrentStaff, view: str) -> Any:
    """Requests of the office: open, mine (C4), from the night and the control room (W8, D11), closed."""
    require(staff, READERS)
    query = _where(ServiceRequest.select(*_REQUEST_COLUMNS), staff, ServiceRequest.office)
    if view == "mine":
        return query.where((ServiceRequest.owner == staff.id) & (ServiceRequest.state != "closed"))
    if view == "night":
        return query.where(
            ServiceRequest.night.eq(True) & (ServiceRequest.state == "open") & (ServiceRequest.kind == "repair")
        )
    if view == "closed":
        return query.where(ServiceRequest.state == "closed")
    return query.where(ServiceRequest.state != "closed")


async def list_requests(staff: CurrentStaff, view: str, now: datetime) -> list[dict]:
    """The newest requests of a view (up to LIST_LIMIT), for the home page's sections."""
    query = _requests_query(staff, view)
    rows = await query.order_by(ServiceRequest.recorded_at, ascending=False).limit(LIST_LIMIT).output(load_json=True)
    return await _decorate_requests(rows, staff, now)


async def recent_requests(staff: CurrentStaff, now: datetime, limit: int = 5) -> list[dict]:
    """The last few requests this person took (shown under the intake form)."""
    rows = (
        await ServiceRequest.select(*_REQUEST_COLUMNS)
        .where((ServiceRequest.owner == staff.id) & (ServiceRequest.office == staff.office_id))
        .order_by(ServiceRequest.received_at, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    return await _decorate_requests(rows, staff, now)


async def get_request(staff: CurrentStaff, request_id: UUID, now: datetime) -> dict:
    """A request with its work order (if any) and its whole history."""
    require(staff, READERS)
    query = ServiceRequest.select(*_REQUEST_COLUMNS).where(ServiceRequest.id == request_id)
    row = check_found(await _where(query, staff, ServiceRequest.office).output(load_json=True).first())
    row = (await _decorate_requests([row], staff, now))[0]
    row["events"] = await history(staff, request_id=row["id"])
    row["can_close"] = row["state"] in ("open", "completed") and (
        row["owner"] == staff.id or staff.role in ("supervisor", "manager")
    )
    row["can_issue"] = (
        row["kind"] == "repair" and row["state"] == "open" and row["order"] is None and staff.role in INTAKE_ROLES
    )
    return row


# --- work orders ----------------------------------------------------------------------------------------

_ORDER_COLUMNS = (
    WorkOrder.id,
    WorkOrder.office,
    WorkOrder.seq,
    WorkOrder.request,
    WorkOrder.category,
    WorkOrder.paid,
    WorkOrder.state,
    WorkOrder.assignee,
    WorkOrder.issued_at,
    WorkOrder.appointment_at,
    WorkOrder.standard_hours,
    WorkOrder.due_at,
    WorkOrder.accepted_at,
    WorkOrder.arrived_at,
    WorkOrder.completed_at,
    WorkOrder.completion_note,
    WorkOrder.completion_photos,
    WorkOrder.signature,
    WorkOrder.signed_at,
    WorkOrder.signed_by,
    WorkOrder.problem,
    WorkOrder.payment_method,
    WorkOrder.charges_total_fen,
    WorkOrder.charges_agreed_at,
    WorkOrder.changed_at,
    WorkOrder.assignee.display_name.as_alias("assignee_name"),
    WorkOrder.issued_by.display_name.as_alias("issued_by_name"),
    WorkOrder.request.description.as_alias("description"),
    WorkOrder.request.location.as_alias("location"),
    WorkOrder.request.resident_name.as_alias("resident_name"),
    WorkOrder.request.resident_phone.as_alias("resident_phone"),
    WorkOrder.request.urgent.as_alias("urgent"),
    WorkOrder.request.owner.as_alias("owner"),
    WorkOrder.request.owner.display_name.as_alias("owner_name"),  # type: ignore[union-attr]
    WorkOrder.request.unit.number.as_alias("unit_number"),  # type: ignore[union-attr]
    WorkOrder.request.unit.building.name.as_alias("building_name"),  # type: ignore[union-attr]
)


def _decorate_order(row: dict, staff: CurrentStaff, now: datetime) -> dict:
    row["where"] = _where_text(row)
    row["category_label"] = category_label(row["category"])
    row["state_label"] = str(ORDER_STATES.get(row["state"], row["state"]))
    row["overdue"] = is_overdue(row, now)
    row["done"] = row["state"] in DONE_ORDER_STATES
    for key in ("issued_at", "appointment_at", "due_at", "accepted_at", "arrived_at", "completed_at", "signed_at"):
        row[key.replace("_at", "_local")] = _local(row[key], staff)
    row["charges_agreed_local"] = _local(row["charges_agreed_at"], staff)
    row["charges_total"] = yuan(row["charges_total_fen"])
    row["payment_label"] = str(PAYMENT_METHODS.get(row["payment_method"], row["payment_method"]))
    row["number"] = f"{row['seq']:06d}"
    return row


def _orders_query(staff: CurrentStaff, view: str, now: datetime) -> Any:
    """Work orders: mine (technician), the lead's queue and cannot-fix (W5), open, overdue (W4),
    escalated to the manager (W5), done."""
    require(staff, READERS)
    query = _where(WorkOrder.select(*_ORDER_COLUMNS), staff, WorkOrder.office)
    if view == "mine":
        return query.where((WorkOrder.assignee == staff.id) & WorkOrder.state.is_in(list(TECHNICIAN_STATES)))
    if view == "queue":
        return query.where(WorkOrder.state.is_in(["queued", "cannot_fix"]))
    if view == "overdue":
        return query.where(WorkOrder.state.is_in(list(OPEN_ORDER_STATES)) & (WorkOrder.due_at < now))
    if view == "escalated":
        return query.where(WorkOrder.state == "escalated")
    if view == "done":
        return query.where(WorkOrder.state.is_in(list(DONE_ORDER_STATES)))
    return query.where(WorkOrder.state.is_in(list(OPEN_ORDER_STATES)))


def orders_newest_first(view: str) -> bool:
    """Done orders read back in time (latest due first); the others soonest due first."""
    return view == "done"


async def list_orders(staff: CurrentStaff, view: str, now: datetime) -> list[dict]:
    """A view's first orders (up to LIST_LIMIT), for the home page's sections. Overdue ones are flagged."""
    query = _orders_query(staff, view, now)
    ascending = not orders_newest_first(view)
    rows = await query.order_by(WorkOrder.due_at, ascending=ascending).limit(LIST_LIMIT).output(load_json=True)
    return [_decorate_order(row, staff, now) for row in rows]


async def get_order(staff: CurrentStaff, order_id: UUID, now: datetime) -> dict:
    """A work order with its request, materials, charges and whole history."""
    require(staff, READERS)
    query = WorkOrder.select(*_ORDER_COLUMNS).where(WorkOrder.id == order_id)
    found = await _where(query, staff, WorkOrder.office).output(load_json=True).first()
    row = _decorate_order(check_found(found), staff, now)
    materials = (
        await WorkOrderMaterial.select(
            WorkOrderMaterial.name,
            WorkOrderMaterial.unit,
            WorkOrderMaterial.quantity,
            WorkOrderMaterial.unit_price_fen,
            WorkOrderMaterial.amount_fen,
            WorkOrderMaterial.recorded_at,
            WorkOrderMaterial.staff.display_name.as_alias("staff_name"),
        )
        .where(WorkOrderMaterial.work_order == order_id)
        .order_by(WorkOrderMaterial.recorded_at)
    )
    for line in materials:
        line["quantity_text"] = quantity_text(line["quantity"])
        line["unit_price"], line["amount"] = yuan(line["unit_price_fen"]), yuan(line["amount_fen"])
    row["materials"] = materials
    row["materials_total"] = yuan(sum(m["amount_fen"] for m in materials))
    charges = (
        await WorkOrderCharge.select().where(WorkOrderCharge.work_order == order_id).order_by(WorkOrderCharge.position)
    )
    for line in charges:
        line["quantity_text"] = quantity_text(line["quantity"])
        line["unit_price"], line["amount"] = yuan(line["unit_price_fen"]), yuan(line["amount_fen"])
        line["kind_label"] = str(PRICE_KINDS.get(line["kind"], line["kind"]))
    row["charges"] = charges
    row["labour_total"] = yuan(sum(c["amount_fen"] for c in charges if c["kind"] == "labour"))
    row["charge_materials_total"] = yuan(sum(c["amount_fen"] for c in charges if c["kind"] == "materials"))
    row["events"] = await history(staff, request_id=row["request"])
    mine = row["assignee"] == staff.id
    row["is_mine"] = mine
    row["can_dispatch"] = staff.role in DISPATCHERS and row["state"] not in DONE_ORDER_STATES
    row["can_escalate"] = staff.role == "engineering_lead" and row["state"] == "cannot_fix"
    row["can_resolve"] = staff.role in RESOLVERS and row["state"] in ("cannot_fix", "escalated")
    return row


# --- history --------------------------------------------------------------------------------------------


def device_label(device_id: str) -> str:
    if not device_id:
        return ""
    if device_id == "web-form":
        return _("web form")
    return _("phone %(id)s", id=device_id[:8])


async def history(staff: CurrentStaff, request_id: UUID) -> list[dict]:
    """Everything that happened to a request and its order: who, what, when, from which phone,
    online or synced later."""
    rows = (
        await WorkEvent.select(
            WorkEvent.id,
            WorkEvent.kind,
            WorkEvent.device_id,
            WorkEvent.recorded_at,
            WorkEvent.received_at,
            WorkEvent.from_state,
            WorkEvent.to_state,
            WorkEvent.note,
            WorkEvent.photos,
            WorkEvent.details,
            WorkEvent.reason,
            WorkEvent.synced_later,
            WorkEvent.staff.display_name.as_alias("staff_name"),
        )
        .where(WorkEvent.request == request_id)
        .order_by(WorkEvent.recorded_at)
        .order_by(WorkEvent.received_at)
        .output(load_json=True)
    )
    for row in rows:
        row["kind_label"] = str(EVENT_KINDS.get(row["kind"], row["kind"]))
        row["recorded_local"] = _local(row["recorded_at"], staff)
        row["received_local"] = _local(row["received_at"], staff)
        row["device"] = device_label(row["device_id"])
        row["to_label"] = str(ORDER_STATES.get(row["to_state"], "")) if row["kind"] != "created" else ""
        details = row["details"] or {}
        if "total_fen" in details:
            details["total"] = yuan(details["total_fen"])
            details["payment_label"] = str(PAYMENT_METHODS.get(details.get("payment_method", ""), ""))
    return rows

"""The read API other domains use (follow-ups, complaints, reports): typed rows of requests and
orders, so that no other domain queries work's tables. Office scopes are lists of office ids, or
None for every office."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from app.work.tables import ServiceRequest, WorkOrder

DONE_STATES = ["completed", "resolved"]
OPEN_STATES = ["queued", "dispatched", "accepted", "arrived", "cannot_fix", "escalated"]


class RequestOrigin(msgspec.Struct, frozen=True):
    """Where a request came from: what a rectification (F6) copies."""

    id: UUID
    kind: str
    category: str
    unit: int | None
    location: str
    resident_name: str
    resident_phone: str


class OrderBrief(msgspec.Struct, frozen=True):
    id: UUID
    office: int
    request: UUID
    category: str
    state: str
    assignee: int | None
    due_at: datetime
    completed_at: datetime | None


class DoneOrder(msgspec.Struct, frozen=True):
    """A finished work order with what follow-ups (F2–F5) and the figures (K1, F7) need of it."""

    id: UUID
    office: int
    office_name: str
    request: UUID
    seq: int
    category: str
    paid: bool
    issued_at: datetime
    due_at: datetime
    completed_at: datetime
    charges_total_fen: int
    owner: int
    description: str
    unit_number: str | None


class IssuedOrder(msgspec.Struct, frozen=True):
    seq: int
    category: str
    unit_number: str | None


class ComplaintRequest(msgspec.Struct, frozen=True):
    """A request of kind complaint, as its owner domain (app.followups) shows it."""

    id: UUID
    office: int
    office_name: str
    description: str
    resident_name: str
    resident_phone: str
    location: str
    state: str
    owner: int
    owner_name: str | None
    recorded_at: datetime
    closed_at: datetime | None
    unit_number: str | None
    building: str | None


def _in(column: Any, offices: list[int] | None) -> Any:
    return column.is_in(offices) if offices is not None else column.is_not_null()


async def request_origin(request_id: UUID) -> RequestOrigin | None:
    row = (
        await ServiceRequest.select(
            ServiceRequest.id,
            ServiceRequest.kind,
            ServiceRequest.category,
            ServiceRequest.unit,
            ServiceRequest.location,
            ServiceRequest.resident_name,
            ServiceRequest.resident_phone,
        )
        .where(ServiceRequest.id == request_id)
        .first()
    )
    return msgspec.convert(row, RequestOrigin, strict=False) if row else None


async def order_brief(order_id: UUID, office_id: int | None = None) -> OrderBrief | None:
    """One work order (of `office_id`, when given)."""
    query = WorkOrder.select(
        WorkOrder.id,
        WorkOrder.office,
        WorkOrder.request,
        WorkOrder.category,
        WorkOrder.state,
        WorkOrder.assignee,
        WorkOrder.due_at,
        WorkOrder.completed_at,
    ).where(WorkOrder.id == order_id)
    if office_id is not None:
        query = query.where(WorkOrder.office == office_id)
    row = await query.first()
    return msgspec.convert(row, OrderBrief, strict=False) if row else None


async def done_orders(
    offices: list[int] | None, since: datetime, until: datetime | None = None, *, category: str | None = None
) -> list[DoneOrder]:
    """Orders completed (or resolved) in [since, until), latest first."""
    query = WorkOrder.select(
        WorkOrder.id,
        WorkOrder.office,
        WorkOrder.office.name.as_alias("office_name"),
        WorkOrder.request,
        WorkOrder.seq,
        WorkOrder.category,
        WorkOrder.paid,
        WorkOrder.issued_at,
        WorkOrder.due_at,
        WorkOrder.completed_at,
        WorkOrder.charges_total_fen,
        WorkOrder.request.owner.as_alias("owner"),
        WorkOrder.request.description.as_alias("description"),
        WorkOrder.request.unit.number.as_alias("unit_number"),  # type: ignore[union-attr]
    ).where(_in(WorkOrder.office, offices) & WorkOrder.state.is_in(DONE_STATES) & (WorkOrder.completed_at >= since))
    if until is not None:
        query = query.where(WorkOrder.completed_at < until)
    if category is not None:
        query = query.where(WorkOrder.category == category)
    rows = await query.order_by(WorkOrder.completed_at, ascending=False)
    return msgspec.convert(rows, list[DoneOrder], strict=False)


async def issued_orders(offices: list[int] | None, since: datetime, until: datetime) -> list[IssuedOrder]:
    rows = await WorkOrder.select(
        WorkOrder.seq,
        WorkOrder.category,
        WorkOrder.request.unit.number.as_alias("unit_number"),  # type: ignore[union-attr]
    ).where(_in(WorkOrder.office, offices) & (WorkOrder.issued_at >= since) & (WorkOrder.issued_at < until))
    return msgspec.convert(rows, list[IssuedOrder], strict=False)


async def overdue_order_count(offices: list[int] | None, now: datetime) -> int:
    """W4: open orders past their due time."""
    return await WorkOrder.count().where(
        _in(WorkOrder.office, offices) & WorkOrder.state.is_in(OPEN_STATES) & (WorkOrder.due_at < now)
    )


async def complaint_requests(
    offices: list[int] | None,
    *,
    ids: list[UUID] | None = None,
    state: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    recorded_before: datetime | None = None,
    building: str = "",
    limit: int | None = None,
) -> list[ComplaintRequest]:
    """Requests of kind complaint, latest first; `state` "open" (not closed) or "closed" filters."""
    sr = ServiceRequest
    query = sr.select(
        sr.id,
        sr.office,
        sr.office.name.as_alias("office_name"),
        sr.description,
        sr.resident_name,
        sr.resident_phone,
        sr.location,
        sr.state,
        sr.owner,
        sr.owner.display_name.as_alias("owner_name"),
        sr.recorded_at,
        sr.closed_at,
        sr.unit.number.as_alias("unit_number"),
        sr.unit.building.name.as_alias("building"),  # type: ignore[union-attr]
    ).where((sr.kind == "complaint") & _in(sr.office, offices))
    if ids is not None:
        query = query.where(sr.id.is_in(ids or [None]))
    if state == "open":
        query = query.where(sr.state != "closed")
    elif state == "closed":
        query = query.where(sr.state == "closed")
    if since is not None:
        query = query.where(sr.recorded_at >= since)
    if until is not None:
        query = query.where(sr.recorded_at < until)
    if recorded_before is not None:
        query = query.where(sr.recorded_at <= recorded_before)
    if building:
        query = query.where(sr.unit.building.name == building)  # type: ignore[union-attr]
    query = query.order_by(sr.recorded_at, ascending=False)
    rows = await (query.limit(limit) if limit else query)
    return msgspec.convert(rows, list[ComplaintRequest], strict=False)

"""Read API: repairs that cannot be done (SPEC W5) — with the engineering lead or escalated to the
manager — for the front desk to explain to the resident (app.supervision records that it was)."""

from __future__ import annotations

from uuid import UUID

from app.work.tables import WorkOrder

STUCK_STATES = ("cannot_fix", "escalated")


async def cannot_fix_orders(office_id: int, ids: list[UUID] | None = None) -> list[dict]:
    """The office's orders that cannot be done, oldest first (or these ones, whatever their state)."""
    query = WorkOrder.select(
        WorkOrder.id,
        WorkOrder.seq,
        WorkOrder.category,
        WorkOrder.state,
        WorkOrder.problem,
        WorkOrder.changed_at,
        WorkOrder.request.description.as_alias("description"),
        WorkOrder.request.resident_name.as_alias("resident_name"),
        WorkOrder.request.unit.number.as_alias("unit_number"),  # type: ignore[union-attr]
    ).where(WorkOrder.office == office_id)
    query = (
        query.where(WorkOrder.id.is_in(ids or [None]))
        if ids is not None
        else query.where(WorkOrder.state.is_in(list(STUCK_STATES)))
    )
    return await query.order_by(WorkOrder.changed_at)

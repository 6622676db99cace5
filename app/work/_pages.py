"""The request and work-order lists page by page (issue 17): 50 rows after a keyset cursor."""

from __future__ import annotations

from datetime import datetime

from app import paging
from app.auth.schemas import CurrentStaff
from app.work._reading import _decorate_order, _decorate_requests, _orders_query, _requests_query, orders_newest_first
from app.work.tables import ServiceRequest, WorkOrder


async def page_of_requests(
    staff: CurrentStaff, view: str, now: datetime, cursor: paging.Cursor | None
) -> tuple[list[dict], str | None]:
    """A page of a view's requests, newest taken first (by recorded time, then id), after `cursor`;
    with the cursor of the next page (None: the last)."""
    query = paging.after(_requests_query(staff, view), ServiceRequest.recorded_at, ServiceRequest.id, cursor)
    rows, more = paging.cut(await query.output(load_json=True), "recorded_at")
    return await _decorate_requests(rows, staff, now), more


async def page_of_orders(
    staff: CurrentStaff, view: str, now: datetime, cursor: paging.Cursor | None
) -> tuple[list[dict], str | None]:
    """A page of a view's orders by due time (then id) — soonest first, done ones latest first —
    after `cursor`; with the cursor of the next page (None: the last). Overdue ones are flagged."""
    query = _orders_query(staff, view, now)
    query = paging.after(query, WorkOrder.due_at, WorkOrder.id, cursor, newest_first=orders_newest_first(view))
    rows, more = paging.cut(await query.output(load_json=True), "due_at")
    return [_decorate_order(row, staff, now) for row in rows], more

"""Urgent repairs (SPEC W6): an alert through the office's escalation ladder (app.alerts), raised
the moment the request reaches the server — at once when taken online, at arrival (flagged late)
when it was saved offline."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from app.alerts.service import raise_alert
from app.auth import directory
from app.i18n import _
from app.roster.service import on_shift_now
from app.sync.registry import ApplyContext
from app.work._common import category_label, tz_of
from app.work.tables import ServiceRequest, WorkEvent


async def _technicians(office_id: int, tz_name: str, at: datetime) -> list[int]:
    """Who the alert names first (W6): the technician(s) the roster puts on the shift `at` falls in
    (after leave and substitutes). When the roster names nobody for it (no technician rostered, or
    no published roster), every active technician of the office is named rather than nobody; the
    first acknowledgement stops the ladder either way (then the engineering lead, then the managers
    — the office's ladder for urgent repairs on the alert settings page)."""
    on_call = await on_shift_now(office_id, tz_name, at, frozenset({"technician"}))
    if on_call:
        return [r["id"] for r in on_call]
    return [p.id for p in await directory.staff_of_office(office_id, roles=["technician"])]


# W6: the managers hear of an urgent repair at once, in the first step, with the technician.
MANAGERS_AT_ONCE = ["manager"]


async def title_of(request_id: UUID) -> str:
    """W6: what the alert says, once: the category (or the first words) and where —
    "渗漏 · 1栋 302 · 卫生间". The alert's kind (紧急维修) is not repeated: the push puts it first."""
    row = (
        await ServiceRequest.select(
            ServiceRequest.category,
            ServiceRequest.description,
            ServiceRequest.location,
            ServiceRequest.unit.number.as_alias("unit_number"),
            ServiceRequest.unit.building.name.as_alias("building_name"),  # type: ignore[union-attr]
        )
        .where(ServiceRequest.id == request_id)
        .first()
    ) or {}
    what = category_label(row["category"]) if row.get("category") else str(row.get("description", ""))[:30]
    unit = " ".join(p for p in (row.get("building_name"), row.get("unit_number")) if p)
    return " · ".join(p for p in (what, unit, str(row.get("location") or "").strip()) if p)


async def raise_for_request(
    ctx: ApplyContext, request_id: UUID, body: str, *, late: bool, recorded_at: datetime
) -> UUID:
    """W6: raise the `urgent_repair` alert of a request (once per request: its source is the request),
    naming the rostered technician(s) and the managers in its first step."""
    staff = ctx.staff
    tz = tz_of(staff)
    title = await title_of(request_id)
    if late:
        title = _("Late: %(title)s", title=title)
        body = _(
            "Saved offline at %(recorded)s; it reached the server at %(received)s. %(body)s",
            recorded=recorded_at.astimezone(tz).strftime("%m-%d %H:%M"),
            received=ctx.received_at.astimezone(tz).strftime("%m-%d %H:%M"),
            body=body,
        )
    alert_id = await raise_alert(
        office_id=staff.office_id,
        kind="urgent_repair",
        title=title,
        body=body[:500],
        url=f"/work/requests/{request_id}",
        recipients=await _technicians(staff.office_id, staff.office_time_zone, ctx.received_at),
        roles=MANAGERS_AT_ONCE,
        raised_by=staff.id,
        source=f"service_request:{request_id}",
        now=ctx.received_at,
    )
    await ServiceRequest.update({ServiceRequest.alert_id: alert_id, ServiceRequest.alert_late: late}).where(
        ServiceRequest.id == request_id
    )
    await WorkEvent.insert(
        WorkEvent(
            office=staff.office_id,
            request=request_id,
            kind="alert",
            staff=staff.id,
            device_id=ctx.device_id,
            recorded_at=ctx.received_at,
            received_at=ctx.received_at,
            note=title,
            details={"alert_id": str(alert_id), "late": late},
            synced_later=late,
        )
    )
    return alert_id

"""Taking requests (W1) and closing them (C4); urgent ones raise an alert (W6); night and
control-room requests wait for the day shift (W8, D11)."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo

from app.attachments.service import exists_for_office
from app.auth.schemas import CurrentStaff
from app.duty.service import shift_of
from app.errors import Forbidden, NotFound, RuleViolation
from app.handover import records
from app.i18n import _
from app.org.service import has_unit, office_shift_templates
from app.sync.registry import ApplyContext
from app.work import _urgent, hooks
from app.work._common import (
    CATEGORIES,
    CLOSE_ON_BEHALF,
    INTAKE_ROLES,
    REQUEST_STATES,
    URGENT_BY_CONTENT_KINDS,
    aware,
    require,
    synced_later,
    tz_of,
    when_it_happened,
)
from app.work._settings import category_settings, urgent_keywords
from app.work.schemas import RequestClose, RequestCreate
from app.work.tables import ServiceRequest, WorkEvent


def event(ctx: ApplyContext, request_id: UUID, kind: str, *, recorded_at: datetime, **values) -> WorkEvent:
    """One line of a request's (and its order's) history, with the phone it came from."""
    return WorkEvent(
        id=values.pop("id", None) or uuid.uuid4(),
        office=ctx.staff.office_id,
        request=request_id,
        kind=kind,
        staff=ctx.staff.id,
        device_id=ctx.device_id,
        recorded_at=recorded_at,
        received_at=ctx.received_at,
        synced_later=synced_later(recorded_at, ctx.received_at, ctx.clock_skew_seconds),
        **values,
    )


async def check_photos(office_id: int, photos: list[str], field: str = "photos") -> None:
    """Every photo a change names must have been uploaded for this office (DESIGN "Photos")."""
    if len(set(photos)) != len(photos):
        raise RuleViolation("photo_twice", _("The same photo is attached twice."), field=field)
    for sha256 in photos:
        if not await exists_for_office(sha256, office_id):
            raise RuleViolation(
                "photo_missing",
                _("A photo of this change has not reached the server. Sync again when there is signal."),
                field=field,
            )


def parse_local(value: str | None, tz: ZoneInfo, field: str) -> datetime | None:
    """An <input type="datetime-local"> value, in the office's time zone."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=tz)
    except ValueError as exc:
        raise RuleViolation("bad_time", _("Enter a valid date and time."), field=field) from exc


def is_night(local: datetime, templates: list[dict]) -> bool:
    """D11: taken during the office's night shift (the shift that runs past midnight)."""
    _day, code = shift_of(local, templates)
    for shift in templates:
        if shift["code"] == code:
            start, end = (time.fromisoformat(shift[k]) for k in ("start", "end"))
            return start > end
    return False


def urgent_reasons(kind: str, text: str, urgency: str, category_urgent: bool, keywords: list[str]) -> list[str]:
    """W6: why a request is urgent — marked so (any kind), or, for a repair or help request, an
    urgent category or a keyword in its text."""
    reasons = []
    if urgency == "urgent":
        reasons.append(_("marked urgent"))
    if kind not in URGENT_BY_CONTENT_KINDS:
        return reasons
    if category_urgent:
        reasons.append(_("urgent category"))
    lowered = text.lower()
    found = [word for word in keywords if word and word.lower() in lowered]
    if found:
        reasons.append(_("keywords: %(words)s", words="、".join(found)))
    return reasons


async def apply_create(ctx: ApplyContext, m: RequestCreate) -> None:
    """`request.create` (W1): validate, then store the request; its taker owns it (C4). An urgent one
    raises an alert at once — or, saved offline, when it arrives, flagged late (W6)."""
    staff, data = ctx.staff, m.data
    require(staff, INTAKE_ROLES, _("Your role does not take requests."))
    description = data.description.strip()
    if not description:
        raise RuleViolation("description_required", _("Describe the request."), field="description")
    category = data.category.strip()
    if data.kind == "repair" and not category:
        raise RuleViolation("category_required", _("Choose the category of the repair."), field="category")
    if category and category not in CATEGORIES:
        raise RuleViolation("bad_category", _("Choose a value from the list."), field="category")
    unit = None
    if data.unit_id is not None:
        unit = data.unit_id if await has_unit(staff.office_id, data.unit_id) else None
        if unit is None:
            raise RuleViolation("unit_not_found", _("That unit is not in your office."), field="unit_id")
    location = data.location.strip()
    if unit is None and not location:
        raise RuleViolation("where_required", _("Choose the unit, or say where it is."), field="unit_id")
    await check_photos(staff.office_id, data.photos)
    tz = tz_of(staff)
    appointment = parse_local(data.appointment_at, tz, "appointment_at")
    if await ServiceRequest.exists().where(ServiceRequest.id == m.id):
        raise RuleViolation("id_reused", _("This change id was already used for different content."))

    recorded_at, suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    settings = await category_settings(staff.office_id)
    reasons = urgent_reasons(
        data.kind,
        f"{description} {location}",
        data.urgency,
        bool(category and settings[category]["urgent"]),
        await urgent_keywords(staff.office_id),
    )
    late = synced_later(recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    night = (
        data.channel == "control_room"
        or data.handover_item_id is not None
        or is_night(recorded_at.astimezone(tz), await office_shift_templates(staff.office_id))
    )
    await ServiceRequest.insert(
        ServiceRequest(
            id=m.id,
            office=staff.office_id,
            channel=data.channel,
            kind=data.kind,
            category=category,
            unit=data.unit_id,
            location=location,
            resident_name=data.resident_name.strip(),
            resident_phone=data.resident_phone.strip(),
            description=description,
            photos=list(data.photos),
            urgent=bool(reasons),
            urgent_reason="; ".join(reasons)[:200],
            appointment_at=appointment,
            owner=staff.id,
            state="open",
            night=night,
            source=f"handover:{data.handover_item_id}" if data.handover_item_id else "",
            device_id=ctx.device_id,
            recorded_at=recorded_at,
            received_at=ctx.received_at,
            clock_suspect=suspect,
            synced_later=late,
            changed_at=recorded_at,
        )
    )
    await WorkEvent.insert(
        event(
            ctx,
            m.id,
            "created",
            id=m.id,
            to_state="open",
            note=description,
            photos=list(data.photos),
            recorded_at=recorded_at,
        )
    )
    await hooks.request_taken(ctx, m.id, data.kind, category, description, recorded_at)  # Q1 (app.followups)
    if data.handover_item_id is not None:
        await _convert_night_item(staff, data.handover_item_id, data.kind, m.id)
    if reasons:
        await _urgent.raise_for_request(ctx, m.id, description, late=late, recorded_at=recorded_at)


async def _convert_night_item(staff: CurrentStaff, item_id: UUID, kind: str, request_id: UUID) -> None:
    """D11: the handover's night item becomes this request, through the handover's own rule (which
    refuses an item already converted, so one item never becomes two requests)."""
    target = {"repair": "work_order", "complaint": "complaint"}.get(kind, "handled")
    try:
        await records.convert_item(staff, item_id, target, f"/work/requests/{request_id}")
    except Forbidden as exc:
        raise RuleViolation("forbidden", _("Your role does not convert night items.")) from exc
    except NotFound as exc:
        raise RuleViolation("item_not_found", _("That night item is not in your office.")) from exc


async def night_items(staff: CurrentStaff) -> list[dict]:
    """D11: the handover's open night items, for the day shift to turn into requests and work orders."""
    if staff.role not in INTAKE_ROLES:
        return []
    try:
        return (await records.open_items(staff, staff.office_id))["night"]
    except Forbidden:
        return []


async def night_item(staff: CurrentStaff, item_id: UUID) -> dict | None:
    return next((item for item in await night_items(staff) if item["id"] == item_id), None)


async def apply_close(ctx: ApplyContext, m: RequestClose) -> None:
    """`request.close` (C4): by its first responder (or a supervisor/manager), once the work is done."""
    staff, data = ctx.staff, m.data
    row = (
        await ServiceRequest.select(ServiceRequest.id, ServiceRequest.state, ServiceRequest.owner, ServiceRequest.kind)
        .where((ServiceRequest.id == data.request_id) & (ServiceRequest.office == staff.office_id))
        .first()
    )
    if row is None:
        raise RuleViolation("request_not_found", _("This request is not on the server (or not in your office)."))
    if row["owner"] != staff.id and staff.role not in CLOSE_ON_BEHALF:
        raise RuleViolation("forbidden", _("Only its first responder (or a supervisor) closes a request."))
    if row["state"] == "closed":
        raise RuleViolation("already_closed", _("This request is already closed."))
    if row["state"] == "ordered":
        raise RuleViolation("order_open", _("Its work order is not finished yet."))
    recorded_at, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    await ServiceRequest.update(
        {
            ServiceRequest.state: "closed",
            ServiceRequest.closed_at: recorded_at,
            ServiceRequest.closed_by: staff.id,
            ServiceRequest.changed_at: recorded_at,
        }
    ).where(ServiceRequest.id == data.request_id)
    await WorkEvent.insert(
        event(
            ctx,
            data.request_id,
            "closed",
            id=m.id,
            from_state=row["state"],
            to_state="closed",
            note=data.note.strip(),
            recorded_at=recorded_at,
        )
    )


def request_state_label(state: str) -> str:
    return str(REQUEST_STATES.get(state, state))


def local(value: datetime | None, staff: CurrentStaff) -> datetime | None:
    return aware(value).astimezone(tz_of(staff)) if value else None

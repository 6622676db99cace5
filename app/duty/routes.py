"""Duty-log pages: the day's log (printable), the append form, escalated entries (D5, D6)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Response, Template

from app.duty import service
from app.duty.schemas import DutyLogAppend
from app.errors import Forbidden
from app.forms import FormErrors, message_for
from app.nav import DUTY_LOG_READERS
from app.org.service import office_shift_templates, units_of_office
from app.sync.schemas import SyncRequest
from app.sync.service import applied_by, apply_batch
from app.web import current_staff, is_htmx, page

READERS = {"roles": DUTY_LOG_READERS}
WRITERS = {"roles": service.DUTY_LOG_WRITERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _office_id(request: Request, office: int | None) -> int:
    staff = current_staff(request)
    if office is None or office == staff.office_id:
        return staff.office_id
    if not staff.sees_all_offices:
        raise Forbidden()
    return office


async def _log_context(request: Request, day: date, shift: str | None, office_id: int) -> dict:
    staff = current_staff(request)
    entries = await service.entries_for_day(staff, office_id, day, shift)
    return {
        "day": day,
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "shift": shift or "",
        "shifts": await office_shift_templates(office_id),
        "entries": entries,
        "categories": service.CATEGORIES,
        "escalations": service.ESCALATIONS,
        "unit_options": [(u["id"], f"{u['building']} {u['number']}") for u in await units_of_office(office_id)],
        "can_write": staff.role in service.DUTY_LOG_WRITERS and office_id == staff.office_id,
        "new_id": str(uuid.uuid4()),
        "office_id": office_id,
    }


@get("/duty-log", opt=READERS)
async def duty_log(
    request: Request,
    day: FromQuery[date | None] = None,
    shift: FromQuery[str | None] = None,
    office: FromQuery[int | None] = None,
) -> Template:
    """The log of a day (or one shift of it), like the paper 值班记录; printable."""
    office_id = _office_id(request, office)
    day = day or datetime.now(service.ZoneInfo(current_staff(request).office_time_zone)).date()
    context = await _log_context(request, day, shift, office_id)
    template = "duty/_entries.html" if is_htmx(request) else "duty/log.html"
    return page(request, template, **context)


@post("/duty-log", opt=WRITERS)
async def duty_log_append(request: Request, data: Form) -> Response | Template:
    """Plain-form fallback: the same `duty_log.append` mutation, applied through the sync service."""
    staff = current_staff(request)
    values = {k: v.strip() for k, v in data.items() if isinstance(v, str) and not k.startswith("_")}
    mutation_data = {
        "category": values.get("category", ""),
        "text": values.get("text", ""),
        "unit_id": int(values["unit_id"]) if values.get("unit_id", "").isdigit() else None,
        "corrects": values.get("corrects") or None,
        "escalation": values.get("escalation", ""),
    }
    raw = {
        "type": "duty_log.append",
        "id": values.get("id") or str(uuid.uuid4()),
        "recorded_at": datetime.now(UTC).isoformat(),
        "data": mutation_data,
    }
    try:
        msgspec.convert(raw, DutyLogAppend)
        result = (
            await apply_batch(
                staff, SyncRequest(device_id="web-form", mutations=[msgspec.Raw(msgspec.json.encode(raw))])
            )
        )[0]
        if result.status == "rejected":
            assert result.error is not None
            # The same form sent twice (a double tap, a resubmitted page): it is already in the log.
            if not (result.error.code == "id_reused" and await applied_by(raw["id"], staff.id)):
                raise FormErrors({result.error.field or "text": result.error.message}, values)
    except msgspec.ValidationError as exc:
        field, message = message_for(str(exc).replace("$.data.", "$."))
        errors: dict[str | None, str] = {field: message}
    except FormErrors as exc:
        errors = exc.errors
    else:
        return Redirect("/duty-log", status_code=303)
    day = datetime.now(service.ZoneInfo(staff.office_time_zone)).date()
    context = await _log_context(request, day, None, staff.office_id)
    return page(request, "duty/log.html", status_code=422, errors=errors, values=values, **context)


@get("/duty-log/escalated", opt={"roles": service.ESCALATION_READERS})
async def escalated(request: Request, office: FromQuery[int | None] = None) -> Template:
    """Entries escalated as difficult or major (D6), for the supervisor and manager."""
    office_id = _office_id(request, office)
    entries = await service.escalated_entries(current_staff(request), office_id)
    return page(request, "duty/escalated.html", entries=entries, categories=service.CATEGORIES)


ROUTES = [duty_log, duty_log_append, escalated]

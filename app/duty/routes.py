"""Duty-log pages: the day's log (printable), the append form, escalated entries (D5, D6)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, Parameter
from litestar.response import Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.clock import now
from app.duty import service
from app.duty.schemas import DutyLogAppend
from app.nav import DUTY_LOG_READERS
from app.org.service import office_shift_templates, units_of_office
from app.sync.forms import FormOutcome, submit_form
from app.web import is_htmx, page

READERS = {"roles": DUTY_LOG_READERS}
WRITERS = {"roles": service.DUTY_LOG_WRITERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def _log_context(
    staff: CurrentStaff, day: date, shift: str | None, office_id: int, before: int | None = None, whole: bool = False
) -> dict:
    """A page of the day's log: the latest PAGE_SIZE entries (below entry `before`), or the whole day."""
    size = None if whole else service.PAGE_SIZE
    entries = await service.entries_for_day(staff, office_id, day, shift, before=before, limit=size and size + 1)
    earlier = None
    if size and len(entries) > size:
        entries.remove(min(entries, key=lambda e: e["seq"]))
        earlier = min(e["seq"] for e in entries)
    return {
        "earlier": earlier,  # more entries below this number: a link to them
        "paged": before is not None,
        "whole": whole,
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


async def _current_shift_date(office_id: int, staff: CurrentStaff) -> date:
    """The date the shift now on duty started: after midnight the night shift still shows its own log (D2)."""
    started, _code = service.shift_of(now().astimezone(staff.tz), await office_shift_templates(office_id))
    return started


@get("/duty-log", opt=READERS)
async def duty_log(
    request: Request,
    staff: CurrentStaff,
    office_id: int,
    day: FromQuery[date | None] = None,
    shift: FromQuery[str | None] = None,
    before: Annotated[int | None, Parameter(query="before", ge=1, le=2**31 - 1)] = None,
    whole: FromQuery[bool] = False,
) -> Template:
    """The log of a day (or one shift of it), like the paper 值班记录, 50 entries a page; whole=1 prints it all."""
    day = day or await _current_shift_date(office_id, staff)
    context = await _log_context(staff, day, shift, office_id, before, whole)
    return page(request, "duty/_entries.html" if is_htmx(request) else "duty/log.html", **context)


@post("/duty-log", opt=WRITERS)
async def duty_log_append(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Plain-form fallback: the same `duty_log.append` mutation, applied through the sync service."""

    async def again(outcome: FormOutcome) -> Template:
        day = await _current_shift_date(staff.office_id, staff)
        context = await _log_context(staff, day, None, staff.office_id)
        return page(request, "duty/log.html", errors=outcome.errors, values=outcome.values, **context)

    return await submit_form(staff, DutyLogAppend, data, done="/duty-log", again=again)


@get("/duty-log/escalated", opt={"roles": service.ESCALATION_READERS})
async def escalated(request: Request, staff: CurrentStaff, office_id: int, before: paging.Before = None) -> Template:
    """Entries escalated as difficult or major (D6), for the supervisor and manager; 50 a page."""
    cursor = paging.parse(before)
    entries, more = await service.escalated_page(staff, office_id, cursor)
    kept = {"office": paging.office_filter(staff, office_id)}
    pager = paging.pager("/duty-log/escalated", kept, more, cursor is not None)
    return page(request, "duty/escalated.html", entries=entries, pager=pager, categories=service.CATEGORIES)


ROUTES = [duty_log, duty_log_append, escalated]

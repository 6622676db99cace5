"""Storm mode (G3), emergency calls (D3, D7), the night records (W8) and "explained to the resident"
(W5): pages and the plain-form fallbacks of their mutations."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template

from app import clock, paging
from app.auth.schemas import CurrentStaff
from app.supervision import _calls, _daily, _storm
from app.supervision.schemas import (
    CallMade,
    CallStep,
    NightRecordsCollected,
    RepairExplained,
    StormArrived,
    StormCheck,
    StormOff,
    StormOn,
)
from app.sync import registry
from app.sync.forms import FormOutcome, submit_form
from app.web import page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
STORM_READERS = {
    "roles": frozenset(
        {"supervisor", "manager", "duty", "frontdesk", "dept_head", "engineering_lead", "technician", "patrol", "qa"}
    )
}
STORM_WRITERS = {"roles": _storm.SWITCHERS | {"duty", "dept_head", "engineering_lead"}}
CALLS = {"roles": _calls.CALLERS | set(_calls.CALLEE_ROLES)}


def _labels() -> dict[str, str]:
    """The names of this domain's changes, for the list of those waiting to sync on the phone."""
    return {k: v for k, v in registry.labels().items() if k.startswith("supervision.")}


async def _storm_page(request: Request, staff: CurrentStaff, **extra: Any) -> Template:
    now = clock.now()
    on = await _storm.active_storm(staff.office_id)
    people = await _calls.callees(staff.office_id)  # the duty manager: a manager or a department head
    return page(
        request,
        "supervision/storm.html",
        type_labels=_labels(),
        storm=_storm.decorate(on, staff, now) if on else None,
        past=[_storm.decorate(s, staff, now) for s in await _storm.storms(staff) if s["ended_at"]],
        calls=await _calls.calls(staff, storm_id=on["id"]) if on else [],
        kinds=list(_storm.STORM_KINDS.items()),
        people=people,
        callees=await _calls.callees(staff.office_id),
        can_switch=staff.role in _storm.SWITCHERS,
        new_id=str(uuid.uuid4()),
        **extra,
    )


@get("/supervision/storm", opt=STORM_READERS)
async def storm_view(request: Request, staff: CurrentStaff) -> Template:
    """Storm mode: on (who stands by, the duty manager's arrival, the checklist) or the switch."""
    return await _storm_page(request, staff)


async def _storm_write(request: Request, staff: CurrentStaff, mutation: Any, data: dict) -> Response | Template:
    async def again(outcome: FormOutcome) -> Template:
        return await _storm_page(request, staff, errors=outcome.errors, values=outcome.values)

    return await submit_form(staff, mutation, data, done="/supervision/storm", again=again)


@post("/supervision/storm/on", opt={"roles": _storm.SWITCHERS})
async def storm_on(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Switch storm mode on: every staff member alerted to stand by."""
    return await _storm_write(request, staff, StormOn, data)


@post("/supervision/storm/arrived", opt=STORM_WRITERS)
async def storm_arrived(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """The duty manager is on site (the time of the tap)."""
    return await _storm_write(request, staff, StormArrived, data)


@post("/supervision/storm/check", opt=STORM_WRITERS)
async def storm_check(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Tick (or untick) an item of the storm checklist."""
    return await _storm_write(request, staff, StormCheck, {**data, "done": data.get("done") or "false"})


@post("/supervision/storm/off", opt={"roles": _storm.SWITCHERS})
async def storm_off(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Switch storm mode off, with a summary."""
    return await _storm_write(request, staff, StormOff, data)


async def _calls_page(
    request: Request, staff: CurrentStaff, cursor: paging.Cursor | None = None, **extra: Any
) -> Template:
    rows, more = await _calls.page_of_calls(staff, cursor)
    return page(
        request,
        "supervision/calls.html",
        type_labels=_labels(),
        calls=rows,
        pager=paging.pager("/supervision/calls", {}, more, cursor is not None),
        callees=await _calls.callees(staff.office_id),
        can_call=staff.role in _calls.CALLERS,
        new_id=str(uuid.uuid4()),
        **extra,
    )


@get("/supervision/calls", opt=CALLS)
async def calls_view(
    request: Request, staff: CurrentStaff, entry: FromQuery[UUID | None] = None, before: paging.Before = None
) -> Template:
    """Emergency calls, newest first, 50 a page: who was called, when they answered, when they came on site."""
    values = {"entry_id": str(entry)} if entry else {}
    return await _calls_page(request, staff, paging.parse(before), values=values)


@post("/supervision/calls", opt={"roles": _calls.CALLERS})
async def call_make(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Record a call (and alert their phone)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _calls_page(request, staff, errors=outcome.errors, values=outcome.values)

    back = "/supervision/storm" if data.get("storm_id") else "/supervision/calls"
    return await submit_form(staff, CallMade, {**data, "alert": data.get("alert") or "false"}, done=back, again=again)


@post("/supervision/calls/step", opt=CALLS)
async def call_step(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """They answered, or came on site."""

    async def again(outcome: FormOutcome) -> Template:
        return await _calls_page(request, staff, errors=outcome.errors, values=outcome.values)

    back = "/supervision/storm" if data.get("_back") == "/supervision/storm" else "/supervision/calls"
    return await submit_form(staff, CallStep, data, done=back, again=again)


async def _night_page(request: Request, staff: CurrentStaff, **extra: Any) -> Template:
    rows = await _daily.night_collections(staff, clock.today(staff.tz))
    return page(
        request,
        "supervision/night.html",
        type_labels=_labels(),
        rows=rows,
        met=_daily.night_records_met(len(rows)),
        needed=_daily.NIGHT_COLLECTIONS_A_DAY,
        new_id=str(uuid.uuid4()),
        **extra,
    )


@get("/supervision/night-records", opt={"roles": _daily.COLLECTORS | {"manager", "qa"}})
async def night_view(request: Request, staff: CurrentStaff) -> Template:
    """W8: today's collections of the control room's night records."""
    return await _night_page(request, staff)


@post("/supervision/night-records", opt={"roles": _daily.COLLECTORS})
async def night_record(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Record a collection (now)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _night_page(request, staff, errors=outcome.errors, values=outcome.values)

    return await submit_form(staff, NightRecordsCollected, data, done="/supervision/night-records", again=again)


async def _explain_page(request: Request, staff: CurrentStaff, **extra: Any) -> Template:
    orders = await _daily.stuck_repairs(staff)
    how = list(_daily.HOW.items())
    return page(request, "supervision/explained.html", orders=orders, how=how, type_labels=_labels(), **extra)


@get("/supervision/explained", opt={"roles": _daily.EXPLAINERS | {"qa"}})
async def explain_view(request: Request, staff: CurrentStaff) -> Template:
    """W5: repairs that cannot be done, and whether the resident was told why."""
    return await _explain_page(request, staff)


@post("/supervision/explained", opt={"roles": _daily.EXPLAINERS})
async def explain_record(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Record that it was explained to the resident."""

    async def again(outcome: FormOutcome) -> Template:
        return await _explain_page(request, staff, errors=outcome.errors, values=outcome.values)

    return await submit_form(staff, RepairExplained, data, done="/supervision/explained", again=again)


ROUTES = [
    storm_view,
    storm_on,
    storm_arrived,
    storm_check,
    storm_off,
    calls_view,
    call_make,
    call_step,
    night_view,
    night_record,
    explain_view,
    explain_record,
]

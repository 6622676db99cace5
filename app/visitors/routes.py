"""Visitor-log pages (V1): today's visitors with the in form and an out button each, one visit (for a
unit: the resident to call, and "called"). The gate phone records in and out offline on /gate."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Response, Template

from app.auth.schemas import CurrentStaff
from app.clock import today
from app.errors import NotFound
from app.estate.service import get_unit
from app.org.departments import DEPARTMENTS
from app.passes.service import ID_KINDS
from app.sync.forms import FormOutcome, submit_form
from app.visitors import service
from app.visitors.schemas import VisitCalled, VisitIn, VisitOut
from app.web import page

READERS = {"roles": service.VISIT_READERS}
WRITERS = {"roles": service.VISIT_ROLES}
CALLERS = {"roles": service.CALLERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def _index(request: Request, staff: CurrentStaff, office_id: int, **extra: Any) -> Template:
    visits = await service.visits_of_day(staff, office_id, today(staff.tz))
    extra.setdefault("errors", {})
    extra.setdefault("values", {"id_kind": "id_card", "host_kind": "unit", "people": 1})
    can_write = staff.role in service.VISIT_ROLES and office_id == staff.office_id
    context: dict[str, Any] = {"departments": DEPARTMENTS, "id_kinds": ID_KINDS, "new_id": str(uuid.uuid4())}
    return page(request, "visitors/index.html", visits=visits, can_write=can_write, **context, **extra)


@get("/visitors", opt=READERS)
async def visitor_log(request: Request, staff: CurrentStaff, office_id: int) -> Template:
    """Today's visitors (those still in first) and the form for one coming in."""
    return await _index(request, staff, office_id)


@post("/visitors", opt=WRITERS)
async def visitor_in(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """A visitor comes in (`visit.in`); a department is alerted, a unit's resident is to be called."""

    async def again(outcome: FormOutcome) -> Template:
        return await _index(request, staff, staff.office_id, errors=outcome.errors, values=outcome.values)

    return await submit_form(staff, VisitIn, data, done="/visitors", again=again)


@post("/visitors/{visit_id:uuid}/out", opt=WRITERS)
async def visitor_out(request: Request, staff: CurrentStaff, visit_id: uuid.UUID, data: Form) -> Response | Template:
    """The visitor leaves (`visit.out`)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _index(request, staff, staff.office_id, errors=outcome.errors)

    return await submit_form(staff, VisitOut, data, done="/visitors", again=again, visit_id=str(visit_id))


async def _visit_page(
    request: Request, staff: CurrentStaff, office_id: int, visit_id: uuid.UUID, **extra: Any
) -> Template:
    visit = await service.get_visit(staff, office_id, visit_id)
    residents = []
    if visit.unit_id and staff.role in service.CALLERS:
        try:
            residents = [r for r in (await get_unit(staff, office_id, visit.unit_id)).residents if r.ended_on is None]
        except NotFound:
            residents = []
    extra.setdefault("errors", {})
    context: dict[str, Any] = {"departments": DEPARTMENTS, "id_kinds": ID_KINDS, "residents": residents}
    return page(request, "visitors/visit.html", visit=visit, can_call=staff.role in service.CALLERS, **context, **extra)


@get("/visitors/{visit_id:uuid}", opt=READERS)
async def visit_page(request: Request, staff: CurrentStaff, office_id: int, visit_id: uuid.UUID) -> Template:
    """One visit; for a unit, the residents to call and the "called" form."""
    return await _visit_page(request, staff, office_id, visit_id)


@post("/visitors/{visit_id:uuid}/called", opt=CALLERS)
async def visit_called(request: Request, staff: CurrentStaff, visit_id: uuid.UUID, data: Form) -> Response | Template:
    """The desk called the resident (`visit.called`)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _visit_page(request, staff, staff.office_id, visit_id, errors=outcome.errors)

    done = f"/visitors/{visit_id}"
    return await submit_form(staff, VisitCalled, data, done=done, again=again, visit_id=str(visit_id))


ROUTES = [visitor_log, visitor_in, visitor_out, visit_page, visit_called]

"""Move-in pages (M1–M3): the cases and units waiting, one case (documents, inspection, defects,
agreements, items, completion), the inspection on the phone (cached for offline use), the open
defects for the supervisor, the printable move-in record (交房记录) and the inspection list setting."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Response, Template

from app.auth.schemas import CurrentStaff
from app.clock import today
from app.errors import RuleViolation, check_found
from app.movein import reads, rules
from app.movein.schemas import MoveInComplete, MoveInOpen
from app.movein.tables import MoveIn
from app.sync.forms import FormOutcome, submit_form
from app.web import MAX_ID, page

READERS = {"roles": rules.READERS}
WRITERS = {"roles": rules.WRITERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
CaseId = Annotated[int, Parameter(ge=1, le=MAX_ID)]


async def _index(request: Request, staff: CurrentStaff, office_id: int, **extra: Any) -> Template:
    listing = await reads.cases(staff, office_id)
    text = "\n".join(f"{r}: {i}" for r, i in await reads.checklist(office_id))
    extra.setdefault("values", {"checklist": text})
    return page(request, "movein/index.html", **listing, cases_kinds=rules.CASES, new_id=str(uuid.uuid4()), **extra)


@get("/movein", opt=READERS)
async def movein_index(request: Request, staff: CurrentStaff, office_id: int) -> Template:
    """The move-ins under way and done, and the units waiting to be handed over."""
    return await _index(request, staff, office_id)


@post("/movein/open", opt=WRITERS)
async def movein_open(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Start a move-in for a unit not handed over (the same `movein.open` the outbox sends)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _index(request, staff, staff.office_id, errors=outcome.errors, values=outcome.values)

    unit = data.get("unit_id", "")
    return await submit_form(staff, MoveInOpen, data, done=f"/movein/unit/{unit}", again=again)


@get("/movein/unit/{unit_id:int}", opt=READERS)
async def movein_of_unit(staff: CurrentStaff, unit_id: CaseId) -> Redirect:
    """The latest move-in of a unit."""
    row = check_found(
        await MoveIn.select(MoveIn.id)
        .where((MoveIn.unit == unit_id) & (MoveIn.office == staff.office_id))
        .order_by(MoveIn.id, ascending=False)
        .first()
    )
    return Redirect(f"/movein/{row['id']}", status_code=303)


async def _case_page(request: Request, staff: CurrentStaff, office_id: int, case_id: int, **extra: Any) -> Template:
    detail = await reads.case_detail(staff, office_id, case_id)
    return page(
        request,
        "movein/case.html",
        **detail,
        cases_kinds=rules.CASES,
        agreements=rules.AGREEMENTS,
        issued=rules.ISSUED,
        can_write=staff.role in rules.WRITERS and office_id == staff.office_id,
        new_id=str(uuid.uuid4()),
        **extra,
    )


@get("/movein/{case_id:int}", opt=READERS)
async def movein_case(request: Request, staff: CurrentStaff, office_id: int, case_id: CaseId) -> Template:
    """One move-in: each step with what is done and what is missing."""
    return await _case_page(request, staff, office_id, case_id)


@get("/movein/{case_id:int}/inspect", opt=WRITERS)
async def movein_inspect(request: Request, staff: CurrentStaff, case_id: CaseId) -> Template:
    """The house inspection on the phone: the office's list, readings, the owner's signature (offline)."""
    detail = await reads.case_detail(staff, staff.office_id, case_id)
    items = await reads.checklist(staff.office_id)
    rooms: dict[str, list[str]] = {}
    for room, item in items:
        rooms.setdefault(room, []).append(item)
    return page(request, "movein/inspect.html", **detail, rooms=rooms, new_id=str(uuid.uuid4()))


@get("/movein/{case_id:int}/record", opt=READERS)
async def movein_record(request: Request, staff: CurrentStaff, office_id: int, case_id: CaseId) -> Template:
    """The printable move-in record (交房记录)."""
    detail = await reads.case_detail(staff, office_id, case_id)
    return page(request, "movein/record.html", **detail, cases_kinds=rules.CASES)


@post("/movein/{case_id:int}/complete", opt=WRITERS)
async def movein_complete(request: Request, staff: CurrentStaff, case_id: CaseId, data: Form) -> Response | Template:
    """Hand the unit over (refused, naming what is missing, until everything is in)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _case_page(request, staff, staff.office_id, case_id, errors=outcome.errors)

    return await submit_form(staff, MoveInComplete, data, done=f"/movein/{case_id}", again=again, move_in_id=case_id)


@get("/movein/defects", opt=READERS)
async def movein_defects(request: Request, staff: CurrentStaff, office_id: int) -> Template:
    """Defects waiting for the developer's repair and the re-inspection, oldest first, with their age."""
    rows = await reads.open_defects(staff, office_id, today(staff.tz))
    return page(request, "movein/defects.html", defects=rows)


@post("/movein/settings", opt={"roles": frozenset({"supervisor"})})
async def movein_settings(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """The office's inspection list, one "room: item" a line."""
    try:
        await reads.save_checklist(staff, str(data.get("checklist", ""))[:8000])
    except RuleViolation as exc:
        return await _index(
            request, staff, staff.office_id, status_code=422, errors={exc.field: exc.message}, values=data
        )
    return Redirect("/movein", status_code=303)


ROUTES = [
    movein_index,
    movein_open,
    movein_of_unit,
    movein_case,
    movein_inspect,
    movein_record,
    movein_complete,
    movein_defects,
    movein_settings,
]

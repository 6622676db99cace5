"""Renovation pages (M4–M7): the list and the application form, one renovation with each step, the
written notice of the prohibited works and the permit (printable, with a QR), the office's fees."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.errors import RuleViolation
from app.forms import FormErrors, parse_form
from app.qr import qr_svg
from app.renovation import reads, rules
from app.renovation.schemas import FeesForm, RenovationApply, RenovationPay, RenovationPermit
from app.sync.forms import FormOutcome, form_data, submit_form
from app.web import MAX_ID, page

READERS = {"roles": rules.READERS}
WRITERS = {"roles": rules.WRITERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
RId = Annotated[int, Parameter(ge=1, le=MAX_ID)]
_WORDS: dict[str, Any] = {"applicants": rules.APPLICANTS, "contractors": rules.CONTRACTORS, "states": rules.STATES}


async def _index(
    request: Request, staff: CurrentStaff, office_id: int, cursor: paging.Cursor | None = None, **extra: Any
) -> Template:
    listing = await reads.renovations(staff, office_id, cursor)
    kept = {"office": paging.office_filter(staff, office_id)}
    pager = paging.pager("/renovation", kept, listing.pop("more"), cursor is not None)
    context = {**listing, **_WORDS, "pager": pager}
    return page(request, "renovation/index.html", **context, new_id=str(uuid.uuid4()), **extra)


@get("/renovation", opt=READERS)
async def renovation_index(
    request: Request, staff: CurrentStaff, office_id: int, before: paging.Before = None
) -> Template:
    """The renovations (latest first, 50 a page), the application form and the office's fees."""
    return await _index(request, staff, office_id, paging.parse(before, int))


@post("/renovation/apply", opt=WRITERS)
async def renovation_apply(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Plain-form fallback of the application (`renovation.apply`)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _index(request, staff, staff.office_id, errors=outcome.errors, values=outcome.values)

    return await submit_form(staff, RenovationApply, data, done="/renovation", again=again)


async def _detail(
    request: Request, staff: CurrentStaff, office_id: int, rid: int, template: str, **extra: Any
) -> Template:
    detail = await reads.renovation_detail(staff, office_id, rid)
    can_write = staff.role in rules.WRITERS and office_id == staff.office_id
    return page(
        request,
        template,
        **detail,
        **_WORDS,
        prohibited=rules.PROHIBITED_WORKS,
        safety=rules.SAFETY_POINTS,
        structure_note=rules.STRUCTURE_NOTE,
        completion_items=rules.COMPLETION_ITEMS,
        can_write=can_write,
        new_id=str(uuid.uuid4()),
        **extra,
    )


@get("/renovation/{rid:int}", opt=READERS)
async def renovation_page(request: Request, staff: CurrentStaff, office_id: int, rid: RId) -> Template:
    """One renovation: each step done or still to do, the violations the patrol found."""
    return await _detail(request, staff, office_id, rid, "renovation/detail.html")


@get("/renovation/{rid:int}/notice", opt=READERS)
async def renovation_notice(request: Request, staff: CurrentStaff, office_id: int, rid: RId) -> Template:
    """The written notice: the prohibited works and safety points, with the applicant's signature."""
    return await _detail(request, staff, office_id, rid, "renovation/notice.html")


@get("/renovation/{rid:int}/permit", opt=READERS)
async def renovation_permit_page(request: Request, staff: CurrentStaff, office_id: int, rid: RId) -> Template:
    """The permit (施工许可证) to print, with a QR of its page."""
    qr = qr_svg(f"{request.base_url}renovation/{rid}".replace("//renovation", "/renovation"))
    return await _detail(request, staff, office_id, rid, "renovation/permit.html", qr=qr)


@post("/renovation/{rid:int}/pay", opt=WRITERS)
async def renovation_pay(request: Request, staff: CurrentStaff, rid: RId, data: Form) -> Response | Template:
    """The fees recorded paid, with the receipt number (`renovation.pay`)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _detail(request, staff, staff.office_id, rid, "renovation/detail.html", errors=outcome.errors)

    return await submit_form(staff, RenovationPay, data, done=f"/renovation/{rid}", again=again, renovation_id=rid)


@post("/renovation/{rid:int}/permit", opt=WRITERS)
async def renovation_permit(request: Request, staff: CurrentStaff, rid: RId, data: Form) -> Response | Template:
    """Issue the permit (`renovation.permit`): refused, naming what is missing, until all is done."""

    async def again(outcome: FormOutcome) -> Template:
        return await _detail(request, staff, staff.office_id, rid, "renovation/detail.html", errors=outcome.errors)

    return await submit_form(staff, RenovationPermit, data, done=f"/renovation/{rid}", again=again, renovation_id=rid)


@post("/renovation/settings", opt={"roles": frozenset({"supervisor"})})
async def renovation_settings(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """The office's fee amounts (装修垃圾清运费, deposit)."""
    try:
        form = parse_form(FeesForm, form_data(FeesForm, data))
        await reads.save_fees(staff, form.waste_fee, form.deposit)
    except FormErrors as exc:
        return await _index(request, staff, staff.office_id, status_code=422, errors=exc.errors, values=exc.values)
    except (RuleViolation, msgspec.ValidationError) as exc:
        return await _index(request, staff, staff.office_id, status_code=422, errors={None: str(exc)}, values=data)
    return Redirect("/renovation", status_code=303)


ROUTES = [
    renovation_index,
    renovation_apply,
    renovation_page,
    renovation_notice,
    renovation_permit_page,
    renovation_pay,
    renovation_permit,
    renovation_settings,
]

"""Pass pages (V2): the list, the issue form (prefilled from a renovation: `?renovation_id=&unit_id=`),
one pass printable with its QR code, and withdrawing it."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, Parameter
from litestar.response import Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.clock import today
from app.org.service import units_of_office
from app.passes import service
from app.passes.schemas import PassIssue, PassWithdraw
from app.qr import qr_svg
from app.sync.forms import FormOutcome, submit_form
from app.web import MAX_ID, page

READERS = {"roles": service.PASS_READERS}
ISSUERS = {"roles": service.PASS_ISSUERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
OptionalId = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]


def mutation_id(data: dict[str, Any]) -> str:
    """The form's own id (kept across a refused post), or a new one."""
    try:
        return str(uuid.UUID(str(data.get("id") or "")))
    except ValueError:
        return str(uuid.uuid4())


@get("/passes", opt=READERS)
async def pass_list(
    request: Request,
    staff: CurrentStaff,
    office_id: int,
    show: FromQuery[str] = "",
    q: FromQuery[str] = "",
    before: paging.Before = None,
) -> Template:
    """The office's passes, newest first, 50 a page, each with its state today."""
    cursor = paging.parse(before)
    passes, more = await service.list_passes(staff, office_id, show, q[:50], cursor)
    kept = {
        "show": show if show in service.STATES else None,
        "q": q[:50],
        "office": paging.office_filter(staff, office_id),
    }
    pager = paging.pager("/passes", kept, more, cursor is not None)
    can_issue = staff.role in service.PASS_ISSUERS and office_id == staff.office_id
    context: dict[str, Any] = {"states": service.STATES, "trades": service.TRADES, "holder_kinds": service.HOLDER_KINDS}
    context["pager"] = pager
    return page(request, "passes/index.html", passes=passes, state=show, q=q[:50], can_issue=can_issue, **context)


async def _form_page(request: Request, staff: CurrentStaff, **context: Any) -> Template:
    units = [(u["id"], f"{u['building']} {u['number']}") for u in await units_of_office(staff.office_id)]
    context.setdefault("new_id", str(uuid.uuid4()))
    return page(
        request,
        "passes/form.html",
        units=units,
        trades=service.TRADES,
        certified=list(service.CERTIFIED_TRADES),
        holder_kinds=service.HOLDER_KINDS,
        id_kinds=service.ID_KINDS,
        **context,
    )


@get("/passes/new", opt=ISSUERS)
async def pass_new(
    request: Request, staff: CurrentStaff, renovation_id: OptionalId = None, unit_id: OptionalId = None
) -> Template:
    """The issue form; a renovation's page links here with its id and unit."""
    day = today(staff.tz).isoformat()
    values: dict[str, Any] = {"holder_kind": "contractor", "id_kind": "id_card", "valid_from": day, "valid_to": day}
    values |= {k: v for k, v in {"renovation_id": renovation_id, "unit_id": unit_id}.items() if v}
    return await _form_page(request, staff, values=values, errors={})


@post("/passes", opt=ISSUERS)
async def pass_issue(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Issue the pass (`pass.issue`), then show it, ready to print."""
    ident = mutation_id(data)

    async def again(outcome: FormOutcome) -> Template:
        return await _form_page(request, staff, errors=outcome.errors, values=outcome.values, new_id=ident)

    return await submit_form(staff, PassIssue, data, done=f"/passes/{ident}", again=again, mutation_id=ident)


async def _pass_page(
    request: Request, staff: CurrentStaff, office_id: int, pass_id: uuid.UUID, **extra: Any
) -> Template:
    p = await service.get_pass(staff, office_id, pass_id)
    can_withdraw = staff.role in service.PASS_ISSUERS and office_id == staff.office_id and not p.withdrawn_at
    context: dict[str, Any] = {"states": service.STATES, "trades": service.TRADES, "holder_kinds": service.HOLDER_KINDS}
    extra.setdefault("errors", {})
    extra.setdefault("values", {})
    return page(
        request,
        "passes/pass.html",
        p=p,
        qr=qr_svg(p.number),
        can_withdraw=can_withdraw,
        id_kinds=service.ID_KINDS,
        new_id=str(uuid.uuid4()),
        **context,
        **extra,
    )


@get("/passes/{pass_id:uuid}", opt=READERS)
async def pass_page(request: Request, staff: CurrentStaff, office_id: int, pass_id: uuid.UUID) -> Template:
    """One pass: printable (one per person, with its QR code), and the withdraw form."""
    return await _pass_page(request, staff, office_id, pass_id)


@post("/passes/{pass_id:uuid}/withdraw", opt=ISSUERS)
async def pass_withdraw(request: Request, staff: CurrentStaff, pass_id: uuid.UUID, data: Form) -> Response | Template:
    """Withdraw the pass (`pass.withdraw`): the gate refuses it from then on."""

    async def again(outcome: FormOutcome) -> Template:
        return await _pass_page(request, staff, staff.office_id, pass_id, errors=outcome.errors, values=outcome.values)

    done = f"/passes/{pass_id}"
    return await submit_form(staff, PassWithdraw, data, done=done, again=again, pass_id=str(pass_id))


ROUTES = [pass_list, pass_new, pass_issue, pass_page, pass_withdraw]

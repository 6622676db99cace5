"""Release-slip pages at the desk (R1): the list, a new slip (the unit found in the register first, then
the form with its residents and fee status), one slip, its A5 print view (desk and gate copies), cancel."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, Parameter
from litestar.response import Response, Template

from app.auth.schemas import CurrentStaff
from app.clock import today
from app.estate.schemas import RESIDENT_KINDS
from app.estate.service import get_unit, search_units
from app.fees.service import fee_status
from app.i18n import _
from app.passes.service import ID_KINDS
from app.qr import qr_svg
from app.slips import _reads as reads
from app.slips.schemas import SlipCancel, SlipIssue
from app.sync.forms import FormOutcome, submit_form
from app.web import MAX_ID, page

READERS = {"roles": reads.SLIP_READERS}
ISSUERS = {"roles": reads.SLIP_ISSUERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
OptionalId = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]
GOODS_ROWS = 4


def mutation_id(data: dict[str, Any]) -> str:
    """The form's own id (kept across a refused post), or a new one."""
    try:
        return str(uuid.UUID(str(data.get("id") or "")))
    except ValueError:
        return str(uuid.uuid4())


def _listed(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [] if value is None else [str(value)]


def issue_form(data: dict[str, Any]) -> dict[str, Any]:
    """The posted form as `slip.issue` data: the goods rows (item, quantity) made one list, blank rows dropped."""
    items, quantities = _listed(data.get("goods_item")), _listed(data.get("goods_quantity"))
    quantities = (quantities + [""] * len(items))[: len(items)]
    rows = zip(items, quantities, strict=True)
    goods = [{"item": i.strip(), "quantity": q.strip() or 1} for i, q in rows if i.strip()]
    form = {k: v for k, v in data.items() if k not in ("goods_item", "goods_quantity")}
    return form | {"goods": goods}


@get("/slips", opt=READERS)
async def slip_list(request: Request, staff: CurrentStaff, office_id: int) -> Template:
    """Today's and yesterday's slips, newest first, each with its state."""
    slips = await reads.list_slips(staff, office_id, today(staff.tz))
    can_issue = staff.role in reads.SLIP_ISSUERS and office_id == staff.office_id
    return page(request, "slips/index.html", slips=slips, states=reads.STATES, can_issue=can_issue)


async def _form_page(request: Request, staff: CurrentStaff, unit_id: int, **context: Any) -> Template:
    unit = await get_unit(staff, staff.office_id, unit_id)
    residents = [r for r in unit.residents if r.ended_on is None]
    context.setdefault("new_id", str(uuid.uuid4()))
    context.setdefault("errors", {})
    return page(
        request,
        "slips/form.html",
        unit=unit,
        residents=residents,
        fees=await fee_status(staff.office_id, unit_id),
        id_kinds=ID_KINDS,
        resident_kinds=RESIDENT_KINDS,
        can_override=staff.role in reads.OVERRIDERS,
        goods_rows=GOODS_ROWS,
        **context,
    )


@get("/slips/new", opt=ISSUERS)
async def slip_new(
    request: Request, staff: CurrentStaff, q: FromQuery[str] = "", unit_id: OptionalId = None
) -> Template:
    """Find the unit in the register, then the slip's form for it (residents, fee status, goods)."""
    if unit_id is None:
        units = await search_units(staff, staff.office_id, q[:50]) if q.strip() else []
        return page(request, "slips/find_unit.html", units=units, q=q[:50])
    values = {"id_kind": "id_card", "unit_id": unit_id, "person_name": request.query_params.get("person", "")[:50]}
    return await _form_page(request, staff, unit_id, values=values)


@post("/slips", opt=ISSUERS)
async def slip_issue(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Issue the slip (`slip.issue`), then show it, ready to print."""
    ident, form = mutation_id(data), issue_form(data)

    async def again(outcome: FormOutcome) -> Template:
        raw = str(form.get("unit_id", ""))
        unit = int(raw) if raw.isdigit() and int(raw) <= MAX_ID else 0  # a unit out of range: not found (404)
        return await _form_page(request, staff, unit, errors=outcome.errors, values=form, new_id=ident)

    return await submit_form(staff, SlipIssue, form, done=f"/slips/{ident}", again=again, mutation_id=ident)


async def _slip_page(
    request: Request, staff: CurrentStaff, office_id: int, slip_id: uuid.UUID, **extra: Any
) -> Template:
    slip = await reads.get_slip(staff, office_id, slip_id, today(staff.tz))
    can_cancel = staff.role in reads.SLIP_ISSUERS and office_id == staff.office_id and slip.state in ("open", "expired")
    extra.setdefault("errors", {})
    extra.setdefault("values", {})
    return page(
        request,
        "slips/slip.html",
        slip=slip,
        states=reads.STATES,
        id_kinds=ID_KINDS,
        can_cancel=can_cancel,
        new_id=str(uuid.uuid4()),
        **extra,
    )


@get("/slips/{slip_id:uuid}", opt=READERS)
async def slip_page(request: Request, staff: CurrentStaff, office_id: int, slip_id: uuid.UUID) -> Template:
    """One slip: its state (released when and by whom, a second release flagged), print and cancel."""
    return await _slip_page(request, staff, office_id, slip_id)


@get("/slips/{slip_id:uuid}/print", opt=READERS)
async def slip_print(request: Request, staff: CurrentStaff, office_id: int, slip_id: uuid.UUID) -> Template:
    """The A5 print view: two copies, the desk's stub and the gate's, each with the QR code."""
    slip = await reads.get_slip(staff, office_id, slip_id, today(staff.tz))
    copies = [("desk", _("Copy 1 · Desk (stub)")), ("gate", _("Copy 2 · Gate"))]
    return page(request, "slips/print.html", slip=slip, qr=qr_svg(slip.number), copies=copies, id_kinds=ID_KINDS)


@post("/slips/{slip_id:uuid}/cancel", opt=ISSUERS)
async def slip_cancel(request: Request, staff: CurrentStaff, slip_id: uuid.UUID, data: Form) -> Response | Template:
    """Cancel the slip (`slip.cancel`): the gate refuses it from then on."""

    async def again(outcome: FormOutcome) -> Template:
        return await _slip_page(request, staff, staff.office_id, slip_id, errors=outcome.errors, values=outcome.values)

    done = f"/slips/{slip_id}"
    return await submit_form(staff, SlipCancel, data, done=done, again=again, slip_id=str(slip_id))


ROUTES = [slip_list, slip_new, slip_issue, slip_page, slip_print, slip_cancel]

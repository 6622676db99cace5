"""Handover pages: the desk's checklist (offline-capable), records (printable), open and night items,
the handover PIN, who is on duty now (page and API), and the monthly duty summary."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.clock import today
from app.errors import RuleViolation
from app.handover import desk, records, signing
from app.handover._forms import FieldError, countersign_fields, decision_fields, submit_fields
from app.handover.schemas import HandoverAccept, HandoverCountersign, HandoverRefuse, HandoverSubmit, OnDutyNow
from app.handover.service import HANDOVER_READERS, HANDOVER_ROLES, REFUSALS, STATUSES
from app.i18n import _
from app.roster.service import parse_month, shift_name
from app.sync.forms import FormOutcome, Render, submit_form
from app.sync.schemas import Mutation
from app.web import is_htmx, page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
READERS = {"roles": HANDOVER_READERS}
MEMBERS = {"roles": HANDOVER_ROLES}


# --- the desk page ---------------------------------------------------------------------------------------


async def _desk(request: Request, staff: CurrentStaff, **extra: Any) -> Template:
    context = await desk.desk_state(staff)
    return page(
        request,
        "handover/desk.html",
        refusals=REFUSALS,
        refusal_labels={code: str(label) for code, label in REFUSALS.items()},
        new_id=str(uuid.uuid4()),
        can_hand_over=staff.role in HANDOVER_ROLES,
        shift_name=lambda code: shift_name(code, context["state"]["shifts"]),
        **context,
        **extra,
    )


@get("/handover", opt=READERS)
async def desk_page(request: Request, staff: CurrentStaff) -> Template:
    """The desk's handover checklist (交接班): prepare (outgoing), take over or refuse (incoming), both sign."""
    return await _desk(request, staff)


@get("/api/handover/state", opt=READERS, tags=["handover"])
async def desk_state_api(staff: CurrentStaff) -> Response:
    """The handover page's state (who holds the desk, the handover waiting, the roster ahead), for its script."""
    return Response((await desk.desk_state(staff))["state"], headers={"Cache-Control": "no-store"})


def _again(request: Request, staff: CurrentStaff, data: Form, form: str) -> Render:
    """The desk again with the messages beside the fields, the person's own entries kept (422)."""
    values = {k: v for k, v in data.items() if not k.startswith("_")}

    async def again(outcome: FormOutcome) -> Template:
        return await _desk(request, staff, errors=outcome.errors, values=values, form=form)

    return again


@post("/handover", opt=MEMBERS)
async def prepare_form(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Plain-form fallback of `handover.submit` (the outgoing prepares the handover)."""
    again = _again(request, staff, data, "prepare")
    fields = submit_fields(data, staff.tz)
    return await submit_form(staff, HandoverSubmit, fields, done="/handover?prepared=1", again=again)


async def _signed_form(
    request: Request, staff: CurrentStaff, handover_id: UUID, data: Form, form: str, build: Callable[..., Any]
) -> Response | Template:
    """The plain-form fallback of a signed decision: `build(mid, outgoing_id)` gives the mutation type
    and its data keys (signatures sealed on the server); then one path with the page's script."""
    again = _again(request, staff, data, form)
    mid = str(data.get("mid") or uuid.uuid4())
    try:
        mutation_type, fields = build(mid, await desk.outgoing_of(staff.office_id, handover_id))
    except FieldError as exc:
        template = await again(FormOutcome({exc.field: exc.message}))
        template.status_code = 422
        return template
    done = f"/handover/{handover_id}"
    return await submit_form(staff, mutation_type, fields, done=done, again=again, mutation_id=mid)


@post("/handover/{handover_id:uuid}/decide", opt=MEMBERS)
async def decide_form(
    request: Request, staff: CurrentStaff, handover_id: FromPath[UUID], data: Form
) -> Response | Template:
    """Plain-form fallback of `handover.accept` / `handover.refuse` (the incoming, both signing)."""

    def build(mid: str, outgoing_id: int) -> tuple[type[Mutation], dict]:
        fields = decision_fields(data, str(handover_id), mid, staff.tz, outgoing_id)
        return (HandoverRefuse if data.get("decision") == "refuse" else HandoverAccept), fields

    return await _signed_form(request, staff, handover_id, data, "takeover", build)


@post("/handover/{handover_id:uuid}/countersign", opt=MEMBERS)
async def countersign_form(
    request: Request, staff: CurrentStaff, handover_id: FromPath[UUID], data: Form
) -> Response | Template:
    """Plain-form fallback of `handover.countersign` (the outgoing signs on their own phone, H7)."""

    def build(mid: str, outgoing_id: int) -> tuple[type[Mutation], dict]:
        return HandoverCountersign, countersign_fields(data, str(handover_id), mid, outgoing_id)

    return await _signed_form(request, staff, handover_id, data, "countersign", build)


# --- records ---------------------------------------------------------------------------------------------


@get("/handover/records", opt=READERS)
async def records_page(
    request: Request,
    staff: CurrentStaff,
    office_id: int,
    status: FromQuery[str | None] = None,
    before: paging.Before = None,
) -> Template:
    """Handovers, newest first, 50 a page; refusals (H5) marked."""
    cursor = paging.parse(before)
    rows, more = await records.list_records(staff, office_id, status, cursor)
    kept = {
        "status": status if status in STATUSES else None,
        "office": paging.office_filter(staff, office_id),
    }
    pager = paging.pager("/handover/records", kept, more, cursor is not None)
    return page(request, "handover/records.html", rows=rows, status=status or "", statuses=STATUSES, pager=pager)


@get("/handover/{handover_id:uuid}", opt=READERS)
async def record_page(request: Request, staff: CurrentStaff, handover_id: FromPath[UUID]) -> Template:
    """One handover record, printable like the paper 交接班记录."""
    return page(request, "handover/record.html", **await records.record(staff, handover_id))


@get("/handover/items", opt=READERS)
async def items_page(request: Request, staff: CurrentStaff, office_id: int) -> Template:
    """Open items carried over; night items for the day shift to convert (D11)."""
    return page(request, "handover/items.html", **await records.open_items(staff, office_id))


@post("/handover/items/{item_id:uuid}/convert", opt=MEMBERS)
async def convert_item(
    request: Request, staff: CurrentStaff, item_id: FromPath[UUID], data: Form
) -> Response | Template:
    """One action: record what an open item became (D11)."""
    try:
        await records.convert_item(staff, item_id, str(data.get("kind", "")), str(data.get("ref", "")))
    except RuleViolation as exc:
        context = await records.open_items(staff, staff.office_id)
        errors = {f"{item_id}": exc.message}
        return page(request, "handover/items.html", status_code=422, errors=errors, failed=str(item_id), **context)
    return Redirect("/handover/items", status_code=303)


# --- the handover PIN (H7) --------------------------------------------------------------------------------


@get("/handover/pin", opt=MEMBERS)
async def pin_page(request: Request, staff: CurrentStaff) -> Template:
    """Set a handover PIN: a quicker signature than the password on a shared phone."""
    return page(request, "handover/pin.html", has_pin=await signing.has_pin(staff.id))


@post("/handover/pin", opt=MEMBERS)
async def pin_save(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Save the PIN (confirmed with the account password)."""
    pin, again = str(data.get("pin", "")).strip(), str(data.get("pin_again", "")).strip()
    try:
        if pin != again:
            raise RuleViolation("pin_mismatch", _("The two PINs differ."), field="pin_again")
        await signing.set_pin(staff, str(data.get("password", "")), pin)
    except RuleViolation as exc:
        has_pin = await signing.has_pin(staff.id)
        return page(request, "handover/pin.html", status_code=422, has_pin=has_pin, errors={exc.field: exc.message})
    return Redirect("/handover/pin?saved=1", status_code=303)


# --- on duty now (H7, D10; D6, D7) -------------------------------------------------------------------------


@get("/on-duty", opt=READERS)
async def on_duty_page(request: Request, staff: CurrentStaff, office_id: int) -> Template:
    """Who is on duty now, by the handovers actually made; the roster beside it; escalation contacts."""
    desk.check_office(staff, office_id)
    duty = await desk.on_duty_now(office_id, staff.office_time_zone)
    template = "handover/_status.html" if is_htmx(request) else "handover/on_duty.html"
    return page(request, template, duty=duty)


@get("/api/on-duty", opt=READERS, tags=["handover"])
async def on_duty_api(staff: CurrentStaff, office_id: int) -> OnDutyNow:
    """Who is on duty now: the incoming of the last accepted handover, not simply the rostered person."""
    desk.check_office(staff, office_id)
    return await desk.on_duty_now(office_id, staff.office_time_zone)


# --- the monthly duty summary ------------------------------------------------------------------------------


@get("/duty-summary", opt=READERS)
async def summary_page(
    request: Request, staff: CurrentStaff, office_id: int, month: FromQuery[str | None] = None
) -> Template:
    """The month's duty summary, printable (shifts, leave, substitutes, handovers, refusals, holiday duty)."""
    first = parse_month(month) if month else today(staff.tz).replace(day=1)
    return page(request, "handover/summary.html", **await records.duty_summary(staff, office_id, first))


ROUTES = [
    desk_page,
    desk_state_api,
    prepare_form,
    decide_form,
    countersign_form,
    records_page,
    record_page,
    items_page,
    convert_item,
]
ROUTES += [pin_page, pin_save, on_duty_page, on_duty_api, summary_page]

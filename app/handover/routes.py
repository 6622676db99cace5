"""Handover pages: the desk's checklist (offline-capable), records (printable), open and night items,
the handover PIN, who is on duty now (page and API), and the monthly duty summary."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app.errors import Forbidden, RuleViolation
from app.forms import message_for
from app.handover import desk, records, signing
from app.handover._forms import FieldError, countersign_data, decision_data, submit_data
from app.handover.schemas import HandoverAccept, HandoverCountersign, HandoverRefuse, HandoverSubmit, OnDutyNow
from app.handover.service import HANDOVER_READERS, HANDOVER_ROLES, REFUSALS, STATUSES
from app.i18n import _
from app.roster.service import parse_month, shift_name
from app.sync.schemas import SyncRequest
from app.sync.service import applied_by, apply_batch
from app.web import current_staff, is_htmx, page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
READERS = {"roles": HANDOVER_READERS}
MEMBERS = {"roles": HANDOVER_ROLES}


def _office_id(request: Request, office: int | None) -> int:
    staff = current_staff(request)
    if office is None or office == staff.office_id:
        return staff.office_id
    if not staff.sees_all_offices:
        raise Forbidden()
    return office


# --- the desk page ---------------------------------------------------------------------------------------


async def _desk(request: Request, status_code: int = 200, **extra: Any) -> Template:
    staff = current_staff(request)
    context = await desk.desk_state(staff)
    return page(
        request,
        "handover/desk.html",
        status_code=status_code,
        refusals=REFUSALS,
        refusal_labels={code: str(label) for code, label in REFUSALS.items()},
        new_id=str(uuid.uuid4()),
        can_hand_over=staff.role in HANDOVER_ROLES,
        shift_name=lambda code: shift_name(code, context["state"]["shifts"]),
        **context,
        **extra,
    )


@get("/handover", opt=READERS)
async def desk_page(request: Request) -> Template:
    """The desk's handover checklist (交接班): prepare (outgoing), take over or refuse (incoming), both sign."""
    return await _desk(request)


@get("/api/handover/state", opt=READERS, tags=["handover"])
async def desk_state_api(request: Request) -> Response:
    """The handover page's state (who holds the desk, the handover waiting, the roster ahead), for its script."""
    return Response((await desk.desk_state(current_staff(request)))["state"], headers={"Cache-Control": "no-store"})


async def _apply_form(request: Request, raw: dict, struct_type: type) -> dict[str | None, str] | None:
    """One mutation through the sync service, like the phone's outbox: None when applied, else errors."""
    staff = current_staff(request)
    try:
        msgspec.convert(raw, struct_type)
    except msgspec.ValidationError as exc:
        field, message = message_for(str(exc).replace("$.data.", "$."))
        return {field: message}
    batch = SyncRequest(device_id="web-form", mutations=[msgspec.Raw(msgspec.json.encode(raw))])
    result = (await apply_batch(staff, batch))[0]
    if result.status != "rejected":
        return None
    assert result.error is not None
    if result.error.code == "id_reused" and await applied_by(raw["id"], staff.id):
        return None  # the same form sent twice: it is already applied
    return {result.error.field: result.error.message}


@post("/handover", opt=MEMBERS)
async def submit_form(request: Request, data: Form) -> Response | Template:
    """Plain-form fallback of `handover.submit` (the outgoing prepares the handover)."""
    values = {k: v for k, v in data.items() if not k.startswith("_")}
    mutation_data = submit_data(values, current_staff(request).office_time_zone)
    handover_id = str(mutation_data["handover_id"])
    raw = {
        "type": "handover.submit",
        "id": handover_id or str(uuid.uuid4()),
        "recorded_at": _now(),
        "data": mutation_data,
    }
    errors = await _apply_form(request, raw, HandoverSubmit)
    if errors is None:
        return Redirect("/handover?prepared=1", status_code=303)
    return await _desk(request, 422, errors=errors, values=values, form="prepare")


async def _signed_form(request: Request, handover_id: UUID, data: Form, form: str, build: Any) -> Response | Template:
    """The plain-form fallback of a signed decision: `build(values, mid, outgoing_id)` gives the
    mutation's type, Struct and data (signatures sealed on the server); one path with the page's."""
    values = {k: v for k, v in data.items() if not k.startswith("_")}
    outgoing_id = await desk.outgoing_of(current_staff(request).office_id, handover_id)
    mid = str(values.get("mid") or uuid.uuid4())
    try:
        type_, struct, mutation_data = build(dict(data), mid, outgoing_id)
    except FieldError as exc:
        return await _desk(request, 422, errors={exc.field: exc.message}, values=values, form=form)
    raw = {"type": type_, "id": mid, "recorded_at": _now(), "data": mutation_data}
    errors = await _apply_form(request, raw, struct)
    if errors is None:
        return Redirect(f"/handover/{handover_id}", status_code=303)
    return await _desk(request, 422, errors=errors, values=values, form=form)


@post("/handover/{handover_id:uuid}/decide", opt=MEMBERS)
async def decide_form(request: Request, handover_id: FromPath[UUID], data: Form) -> Response | Template:
    """Plain-form fallback of `handover.accept` / `handover.refuse` (the incoming, both signing)."""
    tz = current_staff(request).office_time_zone

    def build(values: dict, mid: str, outgoing_id: int) -> tuple:
        body = decision_data(values, str(handover_id), mid, tz, outgoing_id)
        if values.get("decision") == "refuse":
            return "handover.refuse", HandoverRefuse, body
        return "handover.accept", HandoverAccept, body

    return await _signed_form(request, handover_id, data, "takeover", build)


@post("/handover/{handover_id:uuid}/countersign", opt=MEMBERS)
async def countersign_form(request: Request, handover_id: FromPath[UUID], data: Form) -> Response | Template:
    """Plain-form fallback of `handover.countersign` (the outgoing signs on their own phone, H7)."""

    def build(values: dict, mid: str, outgoing_id: int) -> tuple:
        return "handover.countersign", HandoverCountersign, countersign_data(values, str(handover_id), mid, outgoing_id)

    return await _signed_form(request, handover_id, data, "countersign", build)


def _now() -> str:
    return datetime.now(UTC).isoformat()


# --- records ---------------------------------------------------------------------------------------------


@get("/handover/records", opt=READERS)
async def records_page(
    request: Request, status: FromQuery[str | None] = None, office: FromQuery[int | None] = None
) -> Template:
    """Recent handovers, refusals first to see (H5)."""
    rows = await records.list_records(current_staff(request), _office_id(request, office), status)
    return page(request, "handover/records.html", rows=rows, status=status or "", statuses=STATUSES)


@get("/handover/{handover_id:uuid}", opt=READERS)
async def record_page(request: Request, handover_id: FromPath[UUID]) -> Template:
    """One handover record, printable like the paper 交接班记录."""
    return page(request, "handover/record.html", **await records.record(current_staff(request), handover_id))


@get("/handover/items", opt=READERS)
async def items_page(request: Request, office: FromQuery[int | None] = None) -> Template:
    """Open items carried over; night items for the day shift to convert (D11)."""
    context = await records.open_items(current_staff(request), _office_id(request, office))
    return page(request, "handover/items.html", **context)


@post("/handover/items/{item_id:uuid}/convert", opt=MEMBERS)
async def convert_item(request: Request, item_id: FromPath[UUID], data: Form) -> Response | Template:
    """One action: record what an open item became (D11)."""
    staff = current_staff(request)
    try:
        await records.convert_item(staff, item_id, str(data.get("kind", "")), str(data.get("ref", "")))
    except RuleViolation as exc:
        context = await records.open_items(staff, staff.office_id)
        errors = {f"{item_id}": exc.message}
        return page(request, "handover/items.html", status_code=422, errors=errors, failed=str(item_id), **context)
    return Redirect("/handover/items", status_code=303)


# --- the handover PIN (H7) --------------------------------------------------------------------------------


@get("/handover/pin", opt=MEMBERS)
async def pin_page(request: Request) -> Template:
    """Set a handover PIN: a quicker signature than the password on a shared phone."""
    has_pin = await signing.has_pin(current_staff(request).id)
    return page(request, "handover/pin.html", has_pin=has_pin)


@post("/handover/pin", opt=MEMBERS)
async def pin_save(request: Request, data: Form) -> Response | Template:
    """Save the PIN (confirmed with the account password)."""
    staff = current_staff(request)
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
async def on_duty_page(request: Request, office: FromQuery[int | None] = None) -> Template:
    """Who is on duty now, by the handovers actually made; the roster beside it; escalation contacts."""
    office_id = _office_id(request, office)
    desk.check_office(current_staff(request), office_id)
    duty = await desk.on_duty_now(office_id, current_staff(request).office_time_zone)
    template = "handover/_status.html" if is_htmx(request) else "handover/on_duty.html"
    return page(request, template, duty=duty)


@get("/api/on-duty", opt=READERS, tags=["handover"])
async def on_duty_api(request: Request, office: FromQuery[int | None] = None) -> OnDutyNow:
    """Who is on duty now: the incoming of the last accepted handover, not simply the rostered person."""
    office_id = _office_id(request, office)
    desk.check_office(current_staff(request), office_id)
    return await desk.on_duty_now(office_id, current_staff(request).office_time_zone)


# --- the monthly duty summary ------------------------------------------------------------------------------


@get("/duty-summary", opt=READERS)
async def summary_page(
    request: Request, month: FromQuery[str | None] = None, office: FromQuery[int | None] = None
) -> Template:
    """The month's duty summary, printable (shifts, leave, substitutes, handovers, refusals, holiday duty)."""
    staff = current_staff(request)
    first = parse_month(month) if month else datetime.now(ZoneInfo(staff.office_time_zone)).date().replace(day=1)
    context = await records.duty_summary(staff, _office_id(request, office), first)
    return page(request, "handover/summary.html", **context)


ROUTES = [
    desk_page,
    desk_state_api,
    submit_form,
    decide_form,
    countersign_form,
    records_page,
    record_page,
    items_page,
    convert_item,
]
ROUTES += [pin_page, pin_save, on_duty_page, on_duty_api, summary_page]

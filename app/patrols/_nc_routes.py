"""Nonconformance pages (P3): the department head's inbox, one item with its history, and the
rectify / verify forms (offline-capable `data-mutation` forms with a plain-form fallback)."""

from __future__ import annotations

import uuid
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app.org.departments import DEPARTMENTS
from app.patrols import service
from app.patrols._web import MAX_SOURCE_PHOTO_BYTES, Form, apply_form_mutation, form_values, int_or_none
from app.web import current_staff, is_htmx, page

INBOX = {"roles": service.INBOX_ROLES}
NC_READERS = {"roles": service.NC_READERS}
RECTIFIERS = {"roles": frozenset({"dept_head"}) | service.RECTIFY_ON_BEHALF}
VERIFIERS = {"roles": service.VERIFIERS}


@get("/patrols/inbox", opt=INBOX)
async def inbox_page(
    request: Request, department: FromQuery[str | None] = None, office: FromQuery[int | None] = None
) -> Template:
    """A department's nonconformances: open ones (overdue first), then those awaiting verification."""
    staff = current_staff(request)
    department = department if department in DEPARTMENTS else None
    box = await service.inbox(staff, department, office)
    template = "patrols/_inbox_list.html" if is_htmx(request) else "patrols/inbox.html"
    return page(
        request,
        template,
        departments=DEPARTMENTS,
        states=service.NC_STATES,
        can_choose=staff.role != "dept_head",
        cache_pages=["/patrols/inbox", *(f"/patrols/nc/{n['id']}" for n in box["open"] + box["rectified"])],
        **box,
    )


async def _nc_context(request: Request, nc_id: UUID) -> dict:
    staff = current_staff(request)
    nc = await service.get_nonconformance(staff, nc_id)
    return {
        "nc": nc,
        "departments": DEPARTMENTS,
        "states": service.NC_STATES,
        "event_kinds": service.EVENT_KINDS,
        "can_rectify": nc["state"] == "open" and service.can_rectify(staff, nc),
        "can_verify": nc["state"] == "rectified" and service.can_verify(staff, nc),
        "default_days": (await service.deadline_days(nc["office"]))[nc["department"]],
        "new_id": str(uuid.uuid4()),
        "max_photo_bytes": MAX_SOURCE_PHOTO_BYTES,
    }


@get("/patrols/nc/{nc_id:uuid}", opt=NC_READERS)
async def nc_page(request: Request, nc_id: FromPath[UUID]) -> Template:
    """One nonconformance: what failed, photos, deadline, history; rectify or verify it."""
    template = "patrols/_nc_body.html" if is_htmx(request) else "patrols/nc.html"
    return page(request, template, **await _nc_context(request, nc_id))


async def _nc_form(request: Request, nc_id: UUID, type_: str, mutation: dict, values: dict) -> Response | Template:
    errors = await apply_form_mutation(request, type_, mutation, values.get("id"))
    if not errors:
        return Redirect(f"/patrols/nc/{nc_id}", status_code=303)
    context = await _nc_context(request, nc_id)
    return page(request, "patrols/nc.html", status_code=422, errors=errors, values=values, **context)


@post("/patrols/nc/{nc_id:uuid}/rectify", opt=RECTIFIERS)
async def rectify_form(request: Request, nc_id: FromPath[UUID], data: Form) -> Response | Template:
    """Plain-form fallback of `nonconformance.rectify`."""
    values = form_values(data)
    mutation = {
        "nonconformance_id": str(nc_id),
        "expected_state": values.get("expected_state", ""),
        "cycle": int_or_none(values.get("cycle")),
        "note": values.get("note", ""),
    }
    return await _nc_form(request, nc_id, "nonconformance.rectify", mutation, values)


@post("/patrols/nc/{nc_id:uuid}/verify", opt=VERIFIERS)
async def verify_form(request: Request, nc_id: FromPath[UUID], data: Form) -> Response | Template:
    """Plain-form fallback of `nonconformance.verify` (follow-up inspection)."""
    values = form_values(data)
    mutation = {
        "nonconformance_id": str(nc_id),
        "expected_state": values.get("expected_state", ""),
        "outcome": values.get("outcome", ""),
        "cycle": int_or_none(values.get("cycle")),
        "note": values.get("note", ""),
        "new_deadline": values.get("new_deadline") or None,
    }
    return await _nc_form(request, nc_id, "nonconformance.verify", mutation, values)


ROUTES = [inbox_page, nc_page, rectify_form, verify_form]

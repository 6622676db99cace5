"""Nonconformance pages (P3): the department head's inbox, one item with its history, and the
rectify / verify forms (offline-capable `data-mutation` forms with a plain-form fallback through
`app.sync.forms.submit_form`)."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.org.departments import DEPARTMENTS
from app.patrols import service
from app.patrols._web import MAX_SOURCE_PHOTO_BYTES, Form, without_photos
from app.patrols.schemas import NonconformanceRectify, NonconformanceVerify
from app.sync.forms import FormOutcome, Render, submit_form
from app.sync.schemas import Mutation
from app.web import is_htmx, page

INBOX = {"roles": service.INBOX_ROLES}
NC_READERS = {"roles": service.NC_READERS}
RECTIFIERS = {"roles": frozenset({"dept_head"}) | service.RECTIFY_ON_BEHALF}
VERIFIERS = {"roles": service.VERIFIERS}


@get("/patrols/inbox", opt=INBOX)
async def inbox_page(
    request: Request,
    staff: CurrentStaff,
    office_id: int,
    department: FromQuery[str | None] = None,
    view: FromQuery[str | None] = None,
    part: FromQuery[str | None] = None,
    before: paging.Before = None,
    after: paging.After = None,
) -> Template:
    """A department's nonconformances, 50 a part: open ones (overdue first), then those awaiting
    verification; `part` and `after` page one part; view=closed lists the closed ones, last first."""
    department = department if department in DEPARTMENTS else None
    template = "patrols/_inbox_list.html" if is_htmx(request) else "patrols/inbox.html"
    kept = {
        "department": department if staff.role != "dept_head" else None,
        "office": paging.office_filter(staff, office_id),
    }
    if view == "closed":
        context = await _closed_context(staff, department, office_id, kept, paging.parse(before))
    else:
        part = part if part in service.INBOX_PARTS else None
        context = await _working_context(
            staff, department, office_id, kept, part, paging.parse(after) if part else None
        )
    return page(request, template, **context)


async def _closed_context(
    staff: CurrentStaff, department: str | None, office_id: int, kept: dict, cursor: paging.Cursor | None
) -> dict[str, Any]:
    """The inbox's history: closed items, last closed first."""
    rows, more = await service.closed_nonconformances(staff, department, office_id, cursor)
    pager = paging.pager("/patrols/inbox", {**kept, "view": "closed"}, more, cursor is not None)
    shown = staff.department if staff.role == "dept_head" else department
    box = {"view": "closed", "closed": rows, "pager": pager, "department": shown, "kept": kept}
    return {**_inbox_labels(staff, {"open": [], "rectified": []}), **box}


async def _working_context(
    staff: CurrentStaff,
    department: str | None,
    office_id: int,
    kept: dict,
    part: str | None,
    cursor: paging.Cursor | None,
) -> dict[str, Any]:
    """The items to rectify and to verify, each part with its More link (or one part, paged)."""
    box = await service.inbox(staff, department, office_id, part=part, cursor=cursor)
    pagers = {
        state: paging.pager("/patrols/inbox", {**kept, "part": state}, box[f"{state}_more"], False, newest_first=False)
        for state in service.INBOX_PARTS
    }
    first = paging.pager("/patrols/inbox", kept, None, part is not None)
    return {**_inbox_labels(staff, box), **box, "view": "", "pagers": pagers, "pager": first, "kept": kept}


def _inbox_labels(staff: CurrentStaff, box: dict[str, Any]) -> dict[str, Any]:
    cache = ["/patrols/inbox", *(f"/patrols/nc/{n['id']}" for n in box["open"] + box["rectified"])]
    return {
        "departments": DEPARTMENTS,
        "states": service.NC_STATES,
        "can_choose": staff.role != "dept_head",
        "cache_pages": cache,
    }


async def _nc_context(staff: CurrentStaff, nc_id: UUID) -> dict[str, Any]:
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
async def nc_page(request: Request, staff: CurrentStaff, nc_id: FromPath[UUID]) -> Template:
    """One nonconformance: what failed, photos, deadline, history; rectify or verify it."""
    template = "patrols/_nc_body.html" if is_htmx(request) else "patrols/nc.html"
    return page(request, template, **await _nc_context(staff, nc_id))


def _nc_again(request: Request, staff: CurrentStaff, nc_id: UUID) -> Render:
    async def again(outcome: FormOutcome) -> Template:
        context = await _nc_context(staff, nc_id)
        return page(request, "patrols/nc.html", errors=outcome.errors, values=outcome.values, **context)

    return again


async def _nc_form(
    request: Request, staff: CurrentStaff, nc_id: UUID, kind: type[Mutation], data: dict
) -> Response | Template:
    """A plain rectify/verify form: the same mutation as the phone's, the item from the URL."""
    again, done = _nc_again(request, staff, nc_id), f"/patrols/nc/{nc_id}"
    return await submit_form(staff, kind, without_photos(data), done=done, again=again, nonconformance_id=nc_id)


@post("/patrols/nc/{nc_id:uuid}/rectify", opt=RECTIFIERS)
async def rectify_form(request: Request, staff: CurrentStaff, nc_id: FromPath[UUID], data: Form) -> Response | Template:
    """Plain-form fallback of `nonconformance.rectify`."""
    return await _nc_form(request, staff, nc_id, NonconformanceRectify, data)


@post("/patrols/nc/{nc_id:uuid}/verify", opt=VERIFIERS)
async def verify_form(request: Request, staff: CurrentStaff, nc_id: FromPath[UUID], data: Form) -> Response | Template:
    """Plain-form fallback of `nonconformance.verify` (follow-up inspection)."""
    return await _nc_form(request, staff, nc_id, NonconformanceVerify, data)


ROUTES = [inbox_page, nc_page, rectify_form, verify_form]

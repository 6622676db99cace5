"""The department head's inbox of reopened complaints (F6 + C2) and its plain-form fallback."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Response, Template

from app.auth.schemas import CurrentStaff
from app.followups import _reopen, _visits
from app.followups._common import READERS
from app.sync.forms import FormOutcome, submit_form
from app.web import page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
HEADS = {"roles": READERS | {"dept_head"}}


@get("/complaints/reopened", opt=HEADS)
async def reopened_page(request: Request, staff: CurrentStaff) -> Template:
    """Complaints a follow-up reopened for my department: what the resident said, the deadline."""
    rows = await _reopen.inbox(staff)
    return page(request, "followups/reopened.html", rows=rows, new_id=str(uuid.uuid4()))


@post("/complaints/reopened/{reopening_id:uuid}/fixed", opt=HEADS)
async def reopened_fixed(
    request: Request, staff: CurrentStaff, reopening_id: FromPath[UUID], data: Form
) -> Response | Template:
    async def again(outcome: FormOutcome) -> Template:
        rows = await _reopen.inbox(staff)
        return page(request, "followups/reopened.html", rows=rows, new_id=str(uuid.uuid4()), errors=outcome.errors)

    mutation = _reopen.ComplaintReopenFixed
    return await submit_form(
        staff, mutation, data, done="/complaints/reopened", again=again, reopening_id=str(reopening_id)
    )


@post("/followups/settings", opt={"roles": _visits.SETTERS})
async def followup_settings(staff: CurrentStaff, data: Form) -> Response:
    """F5: who owns the office's quarterly visits (online form on the draws page)."""
    await _visits.set_owner_role(staff, str(data.get("f5_role", "")))
    return Redirect("/followups/draws", status_code=303)


ROUTES = [reopened_page, reopened_fixed, followup_settings]

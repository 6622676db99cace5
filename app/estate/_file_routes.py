"""Resident files (E2) and their spot checks (K1 档案抽查); the office's file checklist."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Response, Template

from app import paging
from app.attachments.service import UploadError, store
from app.auth.schemas import CurrentStaff
from app.errors import RuleViolation
from app.estate import files, register
from app.estate.schemas import DocumentRecord, FileCheckMark
from app.settings import get_settings
from app.sync.forms import FormOutcome, apply_form, submit_form
from app.web import page

CENTRE = {"roles": register.CENTRE_ROLES}
CHECKERS = {"roles": files.CHECKERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def _file_page(request: Request, staff: CurrentStaff, office_id: int, unit_id: int, **extra: Any) -> Template:
    unit = await register.get_unit(staff, office_id, unit_id)
    items = await files.file_of_unit(staff, office_id, unit_id)
    return page(request, "estate/file.html", unit=unit, items=items, **extra)


async def _scan(staff: CurrentStaff, upload: Any) -> str:
    """Store an uploaded scan as an attachment of the office (the patrols' photos' store); its sha256."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return ""
    body = await upload.read()
    sha = hashlib.sha256(body).hexdigest()
    await store(staff, sha, upload.content_type or "", body)
    return sha


@get("/estate/units/{unit_id:int}/file", opt=CENTRE)
async def unit_file(request: Request, staff: CurrentStaff, office_id: int, unit_id: FromPath[int]) -> Template:
    """E2: the unit's file, document by document: received, by whom, when, with its scan."""
    return await _file_page(request, staff, office_id, unit_id)


@post("/estate/units/{unit_id:int}/file", opt=CENTRE, request_max_body_size=2 * get_settings().max_attachment_bytes)
async def unit_file_record(request: Request, staff: CurrentStaff, unit_id: FromPath[int]) -> Response | Template:
    """A document received, with its scan (uploaded first, then the `estate.document_record` mutation)."""
    form = await request.form()
    try:
        sha = await _scan(staff, form.get("scan"))
    except UploadError as exc:
        return await _file_page(
            request, staff, staff.office_id, unit_id, errors={"scan": exc.message}, status_code=exc.status_code
        )
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    outcome = await apply_form(staff, DocumentRecord, fields, unit_id=unit_id, attachment=sha or None)
    if outcome.ok:
        return Redirect(f"/estate/units/{unit_id}/file", status_code=303)
    return await _file_page(
        request, staff, staff.office_id, unit_id, errors=outcome.errors, values=outcome.values, status_code=422
    )


@get("/estate/file-checks", opt=CENTRE)
async def file_checks(request: Request, staff: CurrentStaff, office_id: int, before: paging.Before = None) -> Template:
    """K1 档案抽查: the spot checks and their marks, latest first, 10 a page."""
    cursor = paging.parse(before, int)
    checks, more = await files.list_file_checks(staff, office_id, cursor)
    kept = {"office": paging.office_filter(staff, office_id)}
    pager = paging.pager("/estate/file-checks", kept, more, cursor is not None)
    can_check = staff.role in files.CHECKERS
    return page(
        request, "estate/file_checks.html", checks=checks, pager=pager, can_check=can_check, values={"size": 10}
    )


@post("/estate/file-checks", opt=CHECKERS)
async def file_check_draw(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Draw N files at random (seeded, reproducible)."""
    try:
        await files.draw_file_check(staff, int(data.get("size") or 0) if str(data.get("size", "")).isdigit() else 0)
    except RuleViolation as exc:
        checks, _more = await files.list_file_checks(staff, staff.office_id)
        return page(
            request,
            "estate/file_checks.html",
            status_code=422,
            checks=checks,
            can_check=True,
            values=data,
            errors={"size": exc.message},
        )
    return Redirect("/estate/file-checks", status_code=303)


@post("/estate/file-checks/items/{item_id:int}", opt=CHECKERS)
async def file_check_mark(
    request: Request, staff: CurrentStaff, item_id: FromPath[int], data: Form
) -> Response | Template:
    """Mark a drawn file correct, or list its errors."""

    async def again(outcome: FormOutcome) -> Template:
        checks, _more = await files.list_file_checks(staff, staff.office_id)
        errors = {f"item_{item_id}": next(iter(outcome.errors.values()))}
        return page(
            request, "estate/file_checks.html", checks=checks, can_check=True, values={"size": 10}, errors=errors
        )

    return await submit_form(staff, FileCheckMark, data, done="/estate/file-checks", again=again, item_id=item_id)


@get("/estate/settings", opt={"roles": frozenset({"supervisor"})})
async def settings_page(request: Request, office_id: int) -> Template:
    """The office's resident-file checklist (E2), one document a line."""
    return page(request, "estate/settings.html", values={"checklist": "\n".join(await files.file_checklist(office_id))})


@post("/estate/settings", opt={"roles": frozenset({"supervisor"})})
async def settings_save(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Save the checklist."""
    try:
        await files.save_file_checklist(staff, str(data.get("checklist", ""))[:5000])
    except RuleViolation as exc:
        return page(request, "estate/settings.html", status_code=422, values=data, errors={"checklist": exc.message})
    return Redirect("/estate/settings?saved=1", status_code=303)


ROUTES = [unit_file, unit_file_record, file_checks, file_check_draw, file_check_mark, settings_page, settings_save]

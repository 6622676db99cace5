"""Import and export pages (E1): the template, upload → preview → confirm, the register as XLSX.

NOTE: the preview carries the uploaded file back in a hidden field (base64), and confirm checks it
again from scratch: nothing is stored before confirm, and any instance can take the confirm."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Response, Template

from app.estate import importer, register
from app.estate._rows import HEADERS
from app.i18n import _
from app.spreadsheets import MAX_UPLOAD_BYTES, SpreadsheetError, read_table
from app.web import page

EDITORS = {"roles": register.EDITORS}
EXPORTERS = {"roles": register.CENTRE_ROLES}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _xlsx(content: bytes, name: str) -> Response:
    disposition = f"attachment; filename=estate.xlsx; filename*=UTF-8''{name}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


def _refused(request: Request, message: str, status_code: int) -> Template:
    return page(request, "estate/import.html", status_code=status_code, headers=HEADERS, errors={"file": message})


async def _preview(request: Request, office_id: int, content: bytes, filename: str) -> Template:
    """Read and check the file; the preview page lists every problem, or what confirm would change."""
    try:
        plan = await importer.plan_import(office_id, read_table(content, filename))
    except SpreadsheetError as exc:
        return _refused(request, str(exc), 422)
    carried = base64.b64encode(content).decode() if plan.ok else ""
    sha = hashlib.sha256(content).hexdigest()
    return page(
        request,
        "estate/preview.html",
        status_code=200 if plan.ok else 422,
        plan=plan,
        filename=filename,
        content=carried,
        sha=sha,
    )


@get("/estate/import", opt=EDITORS)
async def import_page(request: Request) -> Template:
    """Import the register from the office's spreadsheet: the template, and the upload form."""
    return page(request, "estate/import.html", headers=HEADERS)


@get("/estate/import/template.xlsx", opt=EDITORS)
async def import_template() -> Response:
    """The empty template with its Chinese headers."""
    return _xlsx(importer.template(), "%E6%88%BF%E5%B1%8B%E6%A1%A3%E6%A1%88%E6%A8%A1%E6%9D%BF.xlsx")


# NOTE: the route takes up to 64 MB so that a file over the 20 MB limit gets this page's message, not a bare 413.
@post("/estate/import", opt=EDITORS, request_max_body_size=64 * 2**20)
async def import_upload(request: Request, office_id: int) -> Template:
    """Upload (XLSX or CSV) → the preview; a file too large is refused before it is read."""
    if int(request.headers.get("content-length") or 0) > MAX_UPLOAD_BYTES + 64 * 1024:
        return _refused(request, _("The file is too large (at most %(n)s MB).", n=MAX_UPLOAD_BYTES // 2**20), 413)
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _refused(request, _("Choose a file to upload."), 422)
    return await _preview(request, office_id, await upload.read(), upload.filename)


@post("/estate/import/confirm", opt=EDITORS, request_max_body_size=3 * MAX_UPLOAD_BYTES)
async def import_confirm(request: Request, office_id: int, data: Form) -> Response | Template:
    """Confirm: the same file checked again, then written all at once (or, on any problem, not at all)."""
    try:
        content = base64.b64decode(str(data.get("content", "")), validate=True)
    except (binascii.Error, ValueError):
        content = b""
    if not content or hashlib.sha256(content).hexdigest() != data.get("sha"):
        return _refused(request, _("The preview has expired. Upload the file again."), 422)
    try:
        plan = await importer.plan_import(office_id, read_table(content, str(data.get("filename", ""))))
    except SpreadsheetError as exc:
        return _refused(request, str(exc), 422)
    if not plan.ok:  # the register changed since the preview
        return await _preview(request, office_id, content, str(data.get("filename", "")))
    await importer.commit_plan(office_id, plan)
    return Redirect(f"/estate?imported={plan.changes}", status_code=303)


@get("/estate/export.xlsx", opt=EXPORTERS)
async def export(office_id: int) -> Response:
    """The register as XLSX, in the template's layout."""
    return _xlsx(await importer.export_register(office_id), "%E6%88%BF%E5%B1%8B%E6%A1%A3%E6%A1%88.xlsx")


ROUTES = [import_page, import_template, import_upload, import_confirm, export]

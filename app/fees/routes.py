"""Fee status and dunning pages ($1, $2): the dunning list, the import (upload → preview → confirm), a
unit's status with its dunning history and the record form (offline: `data-mutation="dunning.record"`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Response, Template

from app.auth.schemas import CurrentStaff
from app.errors import RuleViolation
from app.fees import service
from app.fees.schemas import DunningRecordMutation
from app.i18n import _
from app.spreadsheets import MAX_UPLOAD_BYTES, write_xlsx
from app.sync.forms import FormOutcome, submit_form
from app.web import MAX_ID, page

READERS = {"roles": service.FEE_READERS}
IMPORTERS = {"roles": service.IMPORTERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
UnitId = Annotated[int, Parameter(ge=1, le=MAX_ID)]
MAX_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@get("/fees", opt=READERS)
async def dunning_list(request: Request, staff: CurrentStaff, office_id: int) -> Template:
    """Units in arrears, by amount and age, each with the finance export's date and the last contact."""
    lines = await service.dunning_list(staff, office_id)
    pages = [f"/fees/units/{line.unit_id}" for line in lines]  # opened offline at the door
    return page(
        request,
        "fees/index.html",
        lines=lines,
        outcomes=service.OUTCOMES,
        office_id=office_id,
        unit_pages=pages,
        can_import=staff.role in service.IMPORTERS and office_id == staff.office_id,
    )


@get("/fees/export.xlsx", opt=READERS)
async def dunning_export(staff: CurrentStaff, office_id: int) -> Response:
    """The dunning list as a workbook."""
    headers = ["房号", "欠费月数", "欠费金额", "截止日期", "最近催收结果", "下次跟进"]
    body = write_xlsx(headers, await service.export_rows(staff, office_id), title="催收清单")
    return Response(body, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="dunning.xlsx"'})


@get("/fees/template.xlsx", opt=IMPORTERS)
async def import_template() -> Response:
    """An empty export in the columns the import reads."""
    body = write_xlsx(service.TEMPLATE_HEADERS, [["1栋", "1-101", 3, "1260.00", "2026-11-30"]], title="欠费")
    return Response(body, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="fees-template.xlsx"'})


@get("/fees/import", opt=IMPORTERS)
async def import_form(request: Request) -> Template:
    """Upload the finance department's export."""
    return page(request, "fees/import.html", preview=None, max_mb=MAX_MB)


@post("/fees/import", opt=IMPORTERS, request_max_body_size=MAX_UPLOAD_BYTES + 65536)
async def import_upload(request: Request, staff: CurrentStaff, data: Upload) -> Response | Template:
    """Keep the file and show its preview (nothing is written to the fee status yet)."""
    file = data.get("file")
    try:
        if not isinstance(file, UploadFile):
            raise RuleViolation("file_required", "", field="file")
        token = await service.upload(staff, await file.read(), file.filename or "")
    except RuleViolation as exc:
        errors = {"file": exc.message or _("Choose the file to import.")}
        return page(request, "fees/import.html", status_code=422, preview=None, errors=errors, max_mb=MAX_MB)
    return Redirect(f"/fees/import/{token}", status_code=303)


@get("/fees/import/{token:uuid}", opt=IMPORTERS)
async def import_preview(request: Request, staff: CurrentStaff, token: uuid.UUID) -> Template:
    """Every row: what it would change, or its problem by row and column."""
    return page(request, "fees/import.html", preview=await service.preview(staff, token), max_mb=MAX_MB)


@post("/fees/import/{token:uuid}", opt=IMPORTERS)
async def import_confirm(request: Request, staff: CurrentStaff, token: uuid.UUID) -> Response | Template:
    """Confirm: all rows or none; the same file again changes nothing."""
    try:
        changed = await service.confirm(staff, token)
    except RuleViolation as exc:
        preview = await service.preview(staff, token)
        return page(
            request, "fees/import.html", status_code=422, preview=preview, errors={None: exc.message}, max_mb=MAX_MB
        )
    return Redirect(f"/fees?imported={changed}", status_code=303)


async def _unit_page(request: Request, staff: CurrentStaff, office_id: int, unit_id: int, **extra: Any) -> Template:
    label, status, history = await service.unit_page(staff, office_id, unit_id)
    can_record = staff.role in service.DUNNERS and office_id == staff.office_id
    return page(
        request,
        "fees/unit.html",
        unit_id=unit_id,
        label=label,
        status=status,
        history=history,
        methods=service.METHODS,
        outcomes=service.OUTCOMES,
        can_record=can_record,
        new_id=str(uuid.uuid4()),
        **extra,
    )


@get("/fees/units/{unit_id:int}", opt=READERS)
async def unit_fees(request: Request, staff: CurrentStaff, office_id: int, unit_id: UnitId) -> Template:
    """A unit's fee status (as of the export's date) and its dunning history."""
    return await _unit_page(request, staff, office_id, unit_id)


@post("/fees/units/{unit_id:int}/dunning", opt={"roles": service.DUNNERS})
async def dunning_record(request: Request, staff: CurrentStaff, unit_id: UnitId, data: Form) -> Response | Template:
    """Plain-form fallback: the same `dunning.record` mutation the phone's outbox sends."""

    async def again(outcome: FormOutcome) -> Template:
        return await _unit_page(request, staff, staff.office_id, unit_id, errors=outcome.errors, values=outcome.values)

    done = f"/fees/units/{unit_id}"
    return await submit_form(staff, DunningRecordMutation, data, done=done, again=again, unit_id=unit_id)


ROUTES = [
    dunning_list,
    dunning_export,
    import_template,
    import_form,
    import_upload,
    import_preview,
    import_confirm,
    unit_fees,
    dunning_record,
]

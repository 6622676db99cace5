"""Roster pages: the month grid (view, edit, publish), leave and substitutes, holidays, shift settings."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app.auth.schemas import CurrentStaff
from app.clock import today
from app.errors import RuleViolation
from app.forms import FormErrors, clean_values, parse_form
from app.i18n import _
from app.org.service import office_shift_templates
from app.roster import leave, service
from app.roster.schemas import HolidayForm, LeaveDecisionForm, LeaveRequestForm, ShiftTemplate, SubstituteForm
from app.web import page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
READERS = {"roles": service.ROSTER_READERS}
MEMBERS = {"roles": service.ROSTER_ROLES}
EDITORS = {"roles": service.ROSTER_EDITORS}


# --- the month -------------------------------------------------------------------------------------


@get("/roster", opt=READERS)
async def roster_month(
    request: Request, staff: CurrentStaff, office_id: int, month: FromQuery[str | None] = None
) -> Template:
    """The month's roster (值班安排表) as posted on the wall: printable; leave and substitutes shown."""
    first = service.parse_month(month) if month else today(staff.tz).replace(day=1)
    view = await service.month_view(staff, office_id, first)
    return page(request, "roster/month.html", **view)


async def _editor(request: Request, staff: CurrentStaff, month: str, status_code: int = 200, **extra: Any) -> Template:
    first = service.parse_month(month)
    view = await service.month_view(staff, staff.office_id, first)
    if "values" not in extra:
        extra["values"] = await service.draft_cells(staff, first)
    return page(request, "roster/edit.html", status_code=status_code, **view, **extra)


@get("/roster/{month:str}/edit", opt=EDITORS)
async def roster_edit(
    request: Request, staff: CurrentStaff, month: FromPath[str], copy: FromQuery[bool] = False
) -> Template:
    """The supervisor's month grid: one select per person and day (D1)."""
    first = service.parse_month(month)
    values = await (service.copied_pattern(staff, first) if copy else service.draft_cells(staff, first))
    return await _editor(request, staff, month, values=values, copied=copy)


@post("/roster/{month:str}", opt=EDITORS)
async def roster_save(request: Request, staff: CurrentStaff, month: FromPath[str], data: Form) -> Response | Template:
    """Save the draft grid; with `publish`, publish it too (D1, D8)."""
    first = service.parse_month(month)
    values = clean_values(data)
    try:
        await service.save_grid(staff, first, service.parse_grid(values, first))
        if values.get("action") == "publish":
            late = await service.publish(staff, first)
            return Redirect(f"/roster?month={month}&published={'late' if late else 'ok'}", status_code=303)
    except RuleViolation as exc:
        return await _editor(request, staff, month, 422, values=values, errors={None: exc.message})
    return Redirect(f"/roster/{month}/edit?saved=1", status_code=303)


@post("/roster/{month:str}/publish", opt=EDITORS)
async def roster_publish(request: Request, staff: CurrentStaff, month: FromPath[str]) -> Response | Template:
    """Publish the saved draft (D1); refused naming the holidays without a manager on duty (D8)."""
    try:
        late = await service.publish(staff, service.parse_month(month))
    except RuleViolation as exc:
        return await _editor(request, staff, month, 422, errors={None: exc.message})
    return Redirect(f"/roster?month={month}&published={'late' if late else 'ok'}", status_code=303)


# --- leave and substitutes (D4) ----------------------------------------------------------------------


async def _leave_page(request: Request, staff: CurrentStaff, status_code: int = 200, **extra: Any) -> Template:
    context = await leave.leave_page(staff)
    return page(request, "roster/leave.html", status_code=status_code, **context, **extra)


@get("/roster/leave", opt=MEMBERS)
async def leave_list(request: Request, staff: CurrentStaff) -> Template:
    """My leave requests; for the supervisor, requests to decide and approved leave without a substitute."""
    return await _leave_page(request, staff)


@post("/roster/leave", opt=MEMBERS)
async def leave_create(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Ask leave for one of my shifts (D4). Naming a replacement here is refused: no private swaps."""
    if any(key.startswith(("substitute", "swap", "staff")) for key in data):
        message = _("Only the supervisor assigns a substitute, after approving the leave. Staff cannot swap shifts.")
        return await _leave_page(request, staff, 422, errors={None: message}, values=clean_values(data))
    try:
        await leave.request_leave(staff, parse_form(LeaveRequestForm, data))
    except FormErrors as exc:
        return await _leave_page(request, staff, 422, errors=exc.errors, values=exc.values)
    except RuleViolation as exc:
        return await _leave_page(request, staff, 422, errors={exc.field: exc.message}, values=clean_values(data))
    return Redirect("/roster/leave", status_code=303)


@post("/roster/leave/{leave_id:int}/decide", opt=EDITORS)
async def leave_decide(
    request: Request, staff: CurrentStaff, leave_id: FromPath[int], data: Form
) -> Response | Template:
    """Approve or refuse a leave request (D4)."""
    try:
        await leave.decide_leave(staff, leave_id, parse_form(LeaveDecisionForm, data))
    except FormErrors as exc:
        return await _leave_page(request, staff, 422, errors=exc.errors, values=exc.values, failed=leave_id)
    except RuleViolation as exc:
        return await _leave_page(request, staff, 422, errors={None: exc.message}, failed=leave_id)
    return Redirect("/roster/leave", status_code=303)


@post("/roster/leave/{leave_id:int}/substitute", opt=EDITORS)
async def leave_substitute(
    request: Request, staff: CurrentStaff, leave_id: FromPath[int], data: Form
) -> Response | Template:
    """Assign a substitute to an approved leave (D4)."""
    try:
        form = parse_form(SubstituteForm, data)
        await leave.assign_substitute(staff, leave_id, form.substitute_id)
    except FormErrors as exc:
        return await _leave_page(request, staff, 422, errors=exc.errors, failed=leave_id)
    except RuleViolation as exc:
        return await _leave_page(request, staff, 422, errors={exc.field: exc.message}, failed=leave_id)
    return Redirect("/roster/leave", status_code=303)


# --- holidays (D8) -----------------------------------------------------------------------------------


async def _holidays_page(
    request: Request, staff: CurrentStaff, year: int, status_code: int = 200, **extra: Any
) -> Template:
    rows = await service.list_holidays(staff, year)
    return page(request, "roster/holidays.html", status_code=status_code, rows=rows, year=year, **extra)


@get("/roster/holidays", opt=READERS)
async def holidays(request: Request, staff: CurrentStaff, year: FromQuery[int | None] = None) -> Template:
    """The office's holidays and special days: a mid-level manager must be on duty (D8)."""
    year = year if year and 2000 <= year <= 2100 else today(staff.tz).year
    return await _holidays_page(request, staff, year)


@post("/roster/holidays", opt=EDITORS)
async def holiday_add(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Add a holiday or special day."""
    year = today(staff.tz).year
    try:
        form = parse_form(HolidayForm, data)
        await service.add_holiday(staff, form)
    except FormErrors as exc:
        return await _holidays_page(request, staff, year, 422, errors=exc.errors, values=exc.values)
    except RuleViolation as exc:
        return await _holidays_page(
            request, staff, year, 422, errors={exc.field: exc.message}, values=clean_values(data)
        )
    return Redirect(f"/roster/holidays?year={form.day.year}", status_code=303)


@post("/roster/holidays/{holiday_id:int}/delete", opt=EDITORS)
async def holiday_delete(staff: CurrentStaff, holiday_id: FromPath[int]) -> Response:
    """Remove a day from the holiday calendar."""
    await service.delete_holiday(staff, holiday_id)
    return Redirect("/roster/holidays", status_code=303)


# --- shift templates and inventory (D2, H4) -------------------------------------------------------------


def _settings_rows(values: dict[str, Any]) -> list[dict]:
    rows = []
    for i in range(service.MAX_SHIFTS):
        row = {k: str(values.get(f"{k}_{i}", "")).strip() for k in ("code", "name", "start", "end")}
        if any(row.values()):
            rows.append(row)
    return rows


async def _settings_page(request: Request, staff: CurrentStaff, status_code: int = 200, **extra: Any) -> Template:
    if "rows" not in extra:
        extra["rows"] = await office_shift_templates(staff.office_id)
        extra["inventory"] = "\n".join(await service.office_inventory(staff.office_id))
    blanks = max(0, min(service.MAX_SHIFTS, len(extra["rows"]) + 1) - len(extra["rows"]))
    return page(
        request,
        "roster/settings.html",
        status_code=status_code,
        presets=service.SHIFT_PRESETS,
        blanks=blanks,
        **extra,
    )


@get("/roster/settings", opt=EDITORS)
async def settings_page(request: Request, staff: CurrentStaff, preset: FromQuery[str | None] = None) -> Template:
    """The office's shift templates (D2) and the post's inventory list (H4); presets from the seed offices."""
    if preset in service.SHIFT_PRESETS:
        inventory = "\n".join(await service.office_inventory(staff.office_id))
        rows = service.SHIFT_PRESETS[preset][1]
        return await _settings_page(request, staff, rows=rows, inventory=inventory, preset=preset)
    return await _settings_page(request, staff)


def _parse_shifts(rows: list[dict]) -> tuple[list[ShiftTemplate], dict[str | None, str]]:
    """The grid's rows as shift templates, each row's messages named by its fields (`start_1`)."""
    errors: dict[str | None, str] = {}
    shifts: list[ShiftTemplate] = []
    for i, row in enumerate(rows):
        try:
            shifts.append(parse_form(ShiftTemplate, row))
        except FormErrors as exc:
            errors.update({f"{key}_{i}": message for key, message in exc.errors.items()})
    return shifts, errors


@post("/roster/settings", opt=EDITORS)
async def settings_save(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Save the shift templates and inventory list."""
    values = clean_values(data)
    rows, inventory = _settings_rows(values), str(values.get("inventory", ""))
    shifts, errors = _parse_shifts(rows)
    try:
        if not errors:
            await service.save_settings(staff, shifts, inventory.splitlines())
    except RuleViolation as exc:
        errors[exc.field] = exc.message
    if errors:
        return await _settings_page(request, staff, 422, rows=rows, inventory=inventory, errors=errors)
    return Redirect("/roster/settings?saved=1", status_code=303)


ROUTES = [roster_month, roster_edit, roster_save, roster_publish, leave_list, leave_create, leave_decide]
ROUTES += [leave_substitute, holidays, holiday_add, holiday_delete, settings_page, settings_save]

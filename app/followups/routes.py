"""Pages of follow-ups, complaints, consultations and the figures; plain-form fallbacks of the
offline forms go through the same mutations (`apply_batch`), like the duty log."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app.errors import NotFound, RuleViolation
from app.followups import complaints, consultations, figures, service
from app.followups._common import (
    CLASSIFICATIONS,
    FIGURE_READERS,
    FOLLOWUP_ROLES,
    LEAK_TEST_ROLES,
    METHODS,
    READERS,
    RULES,
    SEVERITIES,
    TOPICS,
    month_bounds,
)
from app.followups.schemas import LeakTestForm, NoticeTopicsForm
from app.forms import FormErrors, clean_values, message_for, parse_form
from app.org.departments import DEPARTMENTS
from app.org.service import list_offices
from app.sync.registry import decoder
from app.sync.schemas import SyncRequest
from app.sync.service import applied_by, apply_batch
from app.web import current_staff, is_htmx, page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
READ = {"roles": READERS}
WRITE = {"roles": FOLLOWUP_ROLES}
FIGURES = {"roles": FIGURE_READERS}
LEAK_TESTS = {"roles": LEAK_TEST_ROLES}  # the roles `service.record_leak_test` allows (F2)
INT_FIELDS = {"reached", "satisfied", "close"}
_MONTHS = {f"{m:02d}" for m in range(1, 13)}


def _now() -> datetime:
    return datetime.now(UTC)


def _tz(request: Request) -> ZoneInfo:
    return ZoneInfo(current_staff(request).office_time_zone)


def _month(request: Request, month: str | None) -> str:
    if month and len(month) == 7 and month[4] == "-" and month[:4].isdigit() and month[5:] in _MONTHS:
        return month
    return figures.month_of(_now(), _tz(request))


async def apply_form(request: Request, type_: str, data: dict[str, Any], mutation_id: str = "") -> None:
    """One mutation from a plain form, applied through the sync service; FormErrors when refused."""
    staff = current_staff(request)
    raw = {"type": type_, "id": mutation_id or str(uuid.uuid4()), "recorded_at": _now().isoformat(), "data": data}
    try:
        decoder().decode(msgspec.json.encode(raw))
    except msgspec.ValidationError as exc:
        field, message = message_for(str(exc).replace("$.data.", "$."))
        raise FormErrors({field: message}, data) from exc
    body = SyncRequest(device_id="web-form", mutations=[msgspec.Raw(msgspec.json.encode(raw))])
    result = (await apply_batch(staff, body))[0]
    if result.status == "rejected":
        assert result.error is not None
        if not (result.error.code == "id_reused" and await applied_by(raw["id"], staff.id)):
            raise FormErrors({result.error.field: result.error.message}, data)


def _form_data(data: dict[str, Any]) -> dict[str, Any]:
    values = clean_values(data)
    values.pop("id", None)
    for key in INT_FIELDS & values.keys():
        values[key] = int(values[key]) if str(values[key]).isdigit() else None
    return values


# --- follow-ups ------------------------------------------------------------------------------------


@get("/followups", opt=READ)
async def followups_page(
    request: Request,
    view: FromQuery[str] = "",
    month: FromQuery[str | None] = None,
    office: FromQuery[int | None] = None,
    rule: FromQuery[str] = "",
) -> Template:
    """Follow-ups to make (mine first), with due dates; `month` shows the ones made that month (the figures' links)."""
    staff = current_staff(request)
    view = view or ("mine" if staff.role in FOLLOWUP_ROLES else "open")
    since = until = None
    if month:
        since, until = month_bounds(_month(request, month), _tz(request))
    tasks = await service.list_tasks(staff, view, _now(), office=office, since=since, until=until, rule=rule)
    if is_htmx(request):
        return page(request, "followups/_tasks.html", tasks=tasks, view=view, month=month or "", tz=_tz(request))
    leaks = await service.missing_leak_tests(staff, _now())
    return page(
        request, "followups/index.html", tasks=tasks, view=view, month=month or "", leaks_missing=leaks, tz=_tz(request)
    )


@get("/followups/{task_id:uuid}", opt=READ)
async def task_page(request: Request, task_id: FromPath[UUID]) -> Template:
    """One follow-up: the record, its history (records, rectifications) and the offline form."""
    task = await service.get_task(current_staff(request), task_id, _now())
    template = "followups/_task_body.html" if is_htmx(request) else "followups/task.html"
    return page(request, template, task=task, methods=METHODS, new_id=str(uuid.uuid4()), tz=_tz(request))


@post("/followups/{task_id:uuid}", opt=WRITE)
async def task_record(request: Request, task_id: FromPath[UUID], data: Form) -> Response | Template:
    """Plain-form fallback of `followup.record`."""
    values = _form_data(data)
    values["task_id"] = str(task_id)
    try:
        await apply_form(request, "followup.record", values, str(data.get("id", "")))
    except FormErrors as exc:
        task = await service.get_task(current_staff(request), task_id, _now())
        return page(
            request,
            "followups/task.html",
            status_code=422,
            task=task,
            methods=METHODS,
            new_id=str(uuid.uuid4()),
            tz=_tz(request),
            errors=exc.errors,
            values=values,
        )
    return Redirect(f"/followups/{task_id}", status_code=303)


@get("/followups/draws", opt=READ)
async def draws_page(request: Request, office: FromQuery[int | None] = None) -> Template:
    """The sampling draws (F3–F5) with seed, population and quota, each re-checked."""
    draws = await service.list_draws(current_staff(request), office)
    return page(request, "followups/draws.html", draws=draws, tz=_tz(request))


@get("/followups/leak-tests", opt=LEAK_TESTS)
async def leak_tests_page(request: Request) -> Template:
    """F2: leak repairs waiting for their leak test date."""
    orders = await service.leak_orders(current_staff(request), _now())
    return page(request, "followups/leak_tests.html", orders=orders, tz=_tz(request))


@post("/followups/leak-tests/{order_id:uuid}", opt=LEAK_TESTS)
async def leak_test_record(request: Request, order_id: FromPath[UUID], data: Form) -> Response | Template:
    """F2: record a leak test date."""
    staff = current_staff(request)
    try:
        form = parse_form(LeakTestForm, data)
        await service.record_leak_test(staff, order_id, date.fromisoformat(form.tested_on))
    except FormErrors as exc:
        errors = {f"{order_id}": next(iter(exc.errors.values()))}
    except (RuleViolation, ValueError) as exc:
        errors = {f"{order_id}": getattr(exc, "message", str(exc))}
    else:
        return Redirect("/followups/leak-tests", status_code=303)
    orders = await service.leak_orders(staff, _now())
    return page(request, "followups/leak_tests.html", status_code=422, orders=orders, errors=errors, tz=_tz(request))


# --- complaints ------------------------------------------------------------------------------------


@get("/complaints", opt=READ)
async def complaints_page(
    request: Request,
    view: FromQuery[str] = "open",
    month: FromQuery[str | None] = None,
    office: FromQuery[int | None] = None,
    classification: FromQuery[str] = "",
    building: FromQuery[str] = "",
) -> Template:
    """Complaints with their 3-day countdown (C3), most urgent first."""
    since = until = None
    if month:
        since, until = month_bounds(_month(request, month), _tz(request))
    rows = await complaints.list_complaints(
        current_staff(request),
        view,
        _now(),
        office=office,
        since=since,
        until=until,
        classification=classification,
        building=building,
    )
    template = "followups/_complaints.html" if is_htmx(request) else "followups/complaints.html"
    return page(request, template, complaints=rows, view=view, tz=_tz(request))


def _complaint_context(request: Request, row: dict) -> dict:
    return {
        "c": row,
        "classifications": CLASSIFICATIONS,
        "departments": DEPARTMENTS,
        "severities": SEVERITIES,
        "tz": _tz(request),
        "now_local": _now().astimezone(_tz(request)).strftime("%Y-%m-%dT%H:%M"),
    }


@get("/complaints/{request_id:uuid}", opt=READ)
async def complaint_page(request: Request, request_id: FromPath[UUID]) -> Template:
    """One complaint: classification, department, site visit, answer — owned by its first responder (C4)."""
    row = await complaints.get_complaint(current_staff(request), request_id, _now())
    template = "followups/_complaint_body.html" if is_htmx(request) else "followups/complaint.html"
    return page(request, template, **_complaint_context(request, row))


@post("/complaints/{request_id:uuid}/{action:str}", opt=WRITE)
async def complaint_action(
    request: Request, request_id: FromPath[UUID], action: FromPath[str], data: Form
) -> Response | Template:
    """Plain-form fallback of `complaint.classify`, `complaint.visit` and `complaint.answer`."""
    if action not in ("classify", "visit", "answer"):
        raise NotFound()
    values = _form_data(data)
    values["request_id"] = str(request_id)
    try:
        await apply_form(request, f"complaint.{action}", values)
    except FormErrors as exc:
        row = await complaints.get_complaint(current_staff(request), request_id, _now())
        return page(
            request,
            "followups/complaint.html",
            status_code=422,
            errors=exc.errors,
            values=values,
            form=action,
            **_complaint_context(request, row),
        )
    return Redirect(f"/complaints/{request_id}", status_code=303)


# --- consultations (Q1) ----------------------------------------------------------------------------


@get("/consultations", opt=READ)
async def consultations_page(request: Request) -> Template:
    """Q1: log a question and its answer; the latest ones below."""
    rows = await consultations.recent(current_staff(request))
    template = "followups/_consultations.html" if is_htmx(request) else "followups/consultations.html"
    return page(request, template, rows=rows, topics=TOPICS, new_id=str(uuid.uuid4()), tz=_tz(request))


@post("/consultations", opt=WRITE)
async def consultation_log(request: Request, data: Form) -> Response | Template:
    """Plain-form fallback of `consultation.log`."""
    values = _form_data(data)
    try:
        await apply_form(request, "consultation.log", values, str(data.get("id", "")))
    except FormErrors as exc:
        rows = await consultations.recent(current_staff(request))
        return page(
            request,
            "followups/consultations.html",
            status_code=422,
            rows=rows,
            topics=TOPICS,
            new_id=str(uuid.uuid4()),
            tz=_tz(request),
            errors=exc.errors,
            values=values,
        )
    return Redirect("/consultations", status_code=303)


@get("/consultations/summary", opt=READ)
async def consultation_summary(request: Request, quarter: FromQuery[str | None] = None) -> Template:
    """Q1: the quarter's questions by topic; the supervisor records next quarter's notice-board topics."""
    label = quarter if quarter and len(quarter) == 7 and quarter[5] == "Q" and quarter[6] in "1234" else None
    label = label or consultations.quarter_label(_now(), _tz(request))
    summary = await consultations.quarterly_summary(current_staff(request), label)
    return page(request, "followups/consultation_summary.html", s=summary, tz=_tz(request))


@post("/consultations/topics", opt={"roles": consultations.TOPIC_DECIDERS})
async def consultation_topics(request: Request, data: Form) -> Response | Template:
    """Q1: record the topics chosen for the next quarter."""
    staff = current_staff(request)
    try:
        form = parse_form(NoticeTopicsForm, data)
    except FormErrors as exc:
        quarter = str(data.get("from_quarter") or consultations.quarter_label(_now(), _tz(request)))
        summary = await consultations.quarterly_summary(staff, quarter)
        return page(
            request,
            "followups/consultation_summary.html",
            status_code=422,
            s=summary,
            tz=_tz(request),
            errors=exc.errors,
            values=exc.values,
        )
    await consultations.decide_topics(staff, form.quarter, form.topics, _now())
    return Redirect(f"/consultations/summary?quarter={data.get('from_quarter', '')}", status_code=303)


# --- figures (K1, F7, C5) --------------------------------------------------------------------------


async def _figures_context(request: Request, month: str | None, office: int | None) -> dict:
    staff = current_staff(request)
    month = _month(request, month)
    return {
        "f": await figures.dashboard(staff, month, _now(), office),
        "offices": await list_offices(staff) if staff.sees_all_offices else [],
        "per_office": await figures.per_office(staff, month, _now()) if office is None else [],
        "month": month,
        "office": office,
    }


@get("/reports", opt=FIGURES)
async def reports_page(
    request: Request, month: FromQuery[str | None] = None, office: FromQuery[int | None] = None
) -> Template:
    """The dashboard: K1 rates against their targets, complaint hot spots, overdue items — as SVG."""
    context = await _figures_context(request, month, office)
    template = "followups/_figures.html" if is_htmx(request) else "followups/reports.html"
    return page(request, template, **context)


@get("/reports/monthly", opt=FIGURES)
async def monthly_report(
    request: Request, month: FromQuery[str | None] = None, office: FromQuery[int | None] = None
) -> Template:
    """The monthly report (F7): the figures, follow-ups by rule, recurring problems; printable."""
    staff = current_staff(request)
    context = await _figures_context(request, month, office)
    context["summary"] = await figures.followup_summary(staff, context["month"], office)
    context["recurring"] = await figures.recurring_problems(staff, context["month"], office)
    return page(request, "followups/monthly.html", **context)


@get("/reports/satisfaction", opt=FIGURES)
async def satisfaction_page(
    request: Request, month: FromQuery[str | None] = None, office: FromQuery[int | None] = None
) -> Template:
    """The follow-up answers the satisfaction figure counts (recorded that month)."""
    month = _month(request, month)
    rows = await figures.satisfaction_records(current_staff(request), month, office)
    return page(request, "followups/satisfaction.html", rows=rows, month=month, office=office, rules=RULES)


@get("/reports/export.csv", opt=FIGURES)
async def export_csv(
    request: Request,
    kind: FromQuery[str] = "followups",
    month: FromQuery[str | None] = None,
    office: FromQuery[int | None] = None,
) -> Response:
    """The records behind a figure, as CSV (UTF-8 with BOM, for Excel)."""
    kind = kind if kind in figures.EXPORT_KINDS else "followups"
    month = _month(request, month)
    body = await figures.export(current_staff(request), kind, month, office)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{kind}-{month}.csv"'},
    )


ROUTES = [
    followups_page,
    draws_page,
    leak_tests_page,
    leak_test_record,
    task_page,
    task_record,
    complaints_page,
    complaint_page,
    complaint_action,
    consultations_page,
    consultation_log,
    consultation_summary,
    consultation_topics,
    reports_page,
    monthly_report,
    satisfaction_page,
    export_csv,
]

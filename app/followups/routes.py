"""Pages of follow-ups, complaints, consultations and the figures; plain-form fallbacks of the
offline forms go through the same mutations (`apply_batch`), like the duty log."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from app import paging
from app.auth.schemas import CurrentStaff
from app.clock import now
from app.errors import NotFound, RuleViolation
from app.followups import _reopen_routes as reopen_routes
from app.followups import _visits, complaints, consultations, service
from app.followups._common import (
    CLASSIFICATIONS,
    FIGURE_READERS,
    FOLLOWUP_ROLES,
    LEAK_TEST_ROLES,
    METHODS,
    READERS,
    SEVERITIES,
    TOPICS,
    month_bounds,
    month_of,
)
from app.followups.schemas import (
    ComplaintAnswer,
    ComplaintClassify,
    ComplaintVisit,
    ConsultationLog,
    FollowupRecordMutation,
    LeakTestForm,
    NoticeTopicsForm,
)
from app.forms import FormErrors, parse_form
from app.org.departments import DEPARTMENTS
from app.sync.forms import FormOutcome, submit_form
from app.sync.schemas import Mutation
from app.web import is_htmx, page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
READ = {"roles": READERS}
WRITE = {"roles": FOLLOWUP_ROLES}
FIGURES = {"roles": FIGURE_READERS}
LEAK_TESTS = {"roles": LEAK_TEST_ROLES}  # the roles `service.record_leak_test` allows (F2)
_MONTHS = {f"{m:02d}" for m in range(1, 13)}


def _month(staff: CurrentStaff, month: str | None) -> str:
    if month and len(month) == 7 and month[4] == "-" and month[:4].isdigit() and month[5:] in _MONTHS:
        return month
    return month_of(now(), staff.tz)


def _period(staff: CurrentStaff, month: str | None) -> tuple[datetime | None, datetime | None]:
    """The office-calendar month a list is filtered to (the figures' links), or no bounds."""
    return month_bounds(_month(staff, month), staff.tz) if month else (None, None)


# --- follow-ups ------------------------------------------------------------------------------------


@get("/followups", opt=READ)
async def followups_page(
    request: Request,
    staff: CurrentStaff,
    view: FromQuery[str] = "",
    month: FromQuery[str | None] = None,
    office: FromQuery[int | None] = None,
    rule: FromQuery[str] = "",
    before: paging.Before = None,
    after: paging.After = None,
) -> Template:
    """Follow-ups to make (mine first), with due dates, 50 a page; `month` shows the ones made that
    month (the figures' links)."""
    view = view or ("mine" if staff.role in FOLLOWUP_ROLES else "open")
    since, until = _period(staff, month)
    newest_first = service.tasks_newest_first(view)
    cursor = paging.parse(before if newest_first else after)
    filters: dict[str, Any] = {"office": office, "since": since, "until": until, "rule": rule}
    tasks, more = await service.page_of_tasks(staff, view, now(), cursor, **filters)
    kept = {"view": view, "month": month, "office": office, "rule": rule}
    pager = paging.pager("/followups", kept, more, cursor is not None, newest_first=newest_first)
    context: dict[str, Any] = {"tasks": tasks, "view": view, "month": month or "", "tz": staff.tz, "pager": pager}
    if is_htmx(request):
        return page(request, "followups/_tasks.html", **context)
    return page(
        request, "followups/index.html", leaks_missing=await service.missing_leak_tests(staff, now()), **context
    )


@get("/followups/{task_id:uuid}", opt=READ)
async def task_page(request: Request, staff: CurrentStaff, task_id: FromPath[UUID]) -> Template:
    """One follow-up: the record, its history (records, rectifications) and the offline form."""
    task = await service.get_task(staff, task_id, now())
    template = "followups/_task_body.html" if is_htmx(request) else "followups/task.html"
    context: dict[str, Any] = {"task": task, "methods": METHODS, "aspects": _visits.ASPECTS, "tz": staff.tz}
    return page(request, template, new_id=str(uuid.uuid4()), **context)


@post("/followups/{task_id:uuid}", opt=WRITE)
async def task_record(
    request: Request, staff: CurrentStaff, task_id: FromPath[UUID], data: Form
) -> Response | Template:
    """Plain-form fallback of `followup.record`."""

    async def again(outcome: FormOutcome) -> Template:
        task = await service.get_task(staff, task_id, now())
        return page(
            request, "followups/task.html", task=task, methods=METHODS, new_id=str(uuid.uuid4()), tz=staff.tz,
            errors=outcome.errors, values=outcome.values, aspects=_visits.ASPECTS,
        )  # fmt: skip

    done = f"/followups/{task_id}"
    return await submit_form(staff, FollowupRecordMutation, data, done=done, again=again, task_id=task_id)


@get("/followups/draws", opt=READ)
async def draws_page(
    request: Request, staff: CurrentStaff, office: FromQuery[int | None] = None, before: paging.Before = None
) -> Template:
    """The sampling draws (F3–F5) with seed, population and quota, each re-checked; 50 a page."""
    cursor = paging.parse(before, int)
    draws, more = await service.list_draws(staff, office, cursor)
    pager = paging.pager("/followups/draws", {"office": office}, more, cursor is not None)
    owner = await _visits.owner_role(staff.office_id)
    context: dict[str, Any] = {"draws": draws, "pager": pager, "owners": _visits.OWNERS, "f5_owner": owner}
    return page(request, "followups/draws.html", tz=staff.tz, **context)


@get("/followups/leak-tests", opt=LEAK_TESTS)
async def leak_tests_page(request: Request, staff: CurrentStaff) -> Template:
    """F2: leak repairs waiting for their leak test date."""
    orders = await service.leak_orders(staff, now())
    return page(request, "followups/leak_tests.html", orders=orders, tz=staff.tz)


@post("/followups/leak-tests/{order_id:uuid}", opt=LEAK_TESTS)
async def leak_test_record(
    request: Request, staff: CurrentStaff, order_id: FromPath[UUID], data: Form
) -> Response | Template:
    """F2: record a leak test date."""
    try:
        form = parse_form(LeakTestForm, data)
        await service.record_leak_test(staff, order_id, date.fromisoformat(form.tested_on))
    except FormErrors as exc:
        errors = {f"{order_id}": next(iter(exc.errors.values()))}
    except (RuleViolation, ValueError) as exc:
        errors = {f"{order_id}": getattr(exc, "message", str(exc))}
    else:
        return Redirect("/followups/leak-tests", status_code=303)
    orders = await service.leak_orders(staff, now())
    return page(request, "followups/leak_tests.html", status_code=422, orders=orders, errors=errors, tz=staff.tz)


# --- complaints ------------------------------------------------------------------------------------


@get("/complaints", opt=READ)
async def complaints_page(
    request: Request,
    staff: CurrentStaff,
    view: FromQuery[str] = "open",
    month: FromQuery[str | None] = None,
    office: FromQuery[int | None] = None,
    classification: FromQuery[str] = "",
    building: FromQuery[str] = "",
) -> Template:
    """Complaints with their 3-day countdown (C3), most urgent first."""
    since, until = _period(staff, month)
    filters: dict[str, Any] = {
        "office": office,
        "since": since,
        "until": until,
        "classification": classification,
        "building": building,
    }
    rows = await complaints.list_complaints(staff, view, now(), **filters)
    template = "followups/_complaints.html" if is_htmx(request) else "followups/complaints.html"
    return page(request, template, complaints=rows, view=view, tz=staff.tz)


def _complaint_context(staff: CurrentStaff, row: dict) -> dict:
    return {
        "c": row,
        "classifications": CLASSIFICATIONS,
        "departments": DEPARTMENTS,
        "severities": SEVERITIES,
        "tz": staff.tz,
        "now_local": now().astimezone(staff.tz).strftime("%Y-%m-%dT%H:%M"),
    }


@get("/complaints/{request_id:uuid}", opt=READ)
async def complaint_page(request: Request, staff: CurrentStaff, request_id: FromPath[UUID]) -> Template:
    """One complaint: classification, department, site visit, answer — owned by its first responder (C4)."""
    row = await complaints.get_complaint(staff, request_id, now())
    template = "followups/_complaint_body.html" if is_htmx(request) else "followups/complaint.html"
    return page(request, template, **_complaint_context(staff, row))


COMPLAINT_ACTIONS: dict[str, type[Mutation]] = {
    "classify": ComplaintClassify,
    "visit": ComplaintVisit,
    "answer": ComplaintAnswer,
}


@post("/complaints/{request_id:uuid}/{action:str}", opt=WRITE)
async def complaint_action(
    request: Request, staff: CurrentStaff, request_id: FromPath[UUID], action: FromPath[str], data: Form
) -> Response | Template:
    """Plain-form fallback of `complaint.classify`, `complaint.visit` and `complaint.answer`."""
    if action not in COMPLAINT_ACTIONS:
        raise NotFound()

    async def again(outcome: FormOutcome) -> Template:
        context = _complaint_context(staff, await complaints.get_complaint(staff, request_id, now()))
        return page(
            request, "followups/complaint.html", errors=outcome.errors, values=outcome.values, form=action, **context
        )

    done = f"/complaints/{request_id}"
    return await submit_form(staff, COMPLAINT_ACTIONS[action], data, done=done, again=again, request_id=request_id)


# --- consultations (Q1) ----------------------------------------------------------------------------


@get("/consultations", opt=READ)
async def consultations_page(request: Request, staff: CurrentStaff, before: paging.Before = None) -> Template:
    """Q1: log a question and its answer; the latest ones below, 30 a page."""
    cursor = paging.parse(before)
    rows, more = await consultations.recent(staff, cursor)
    pager = paging.pager("/consultations", {}, more, cursor is not None)
    template = "followups/_consultations.html" if is_htmx(request) else "followups/consultations.html"
    return page(request, template, rows=rows, pager=pager, topics=TOPICS, new_id=str(uuid.uuid4()), tz=staff.tz)


@post("/consultations", opt=WRITE)
async def consultation_log(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Plain-form fallback of `consultation.log`."""

    async def again(outcome: FormOutcome) -> Template:
        rows, more = await consultations.recent(staff)
        pager = paging.pager("/consultations", {}, more, False)
        return page(
            request, "followups/consultations.html", rows=rows, pager=pager, topics=TOPICS, new_id=str(uuid.uuid4()),
            tz=staff.tz,
            errors=outcome.errors, values=outcome.values,
        )  # fmt: skip

    return await submit_form(staff, ConsultationLog, data, done="/consultations", again=again)


@get("/consultations/summary", opt=READ)
async def consultation_summary(
    request: Request, staff: CurrentStaff, quarter: FromQuery[str | None] = None
) -> Template:
    """Q1: the quarter's questions by topic; the supervisor records next quarter's notice-board topics."""
    label = quarter if quarter and len(quarter) == 7 and quarter[5] == "Q" and quarter[6] in "1234" else None
    label = label or consultations.quarter_label(now(), staff.tz)
    summary = await consultations.quarterly_summary(staff, label)
    return page(request, "followups/consultation_summary.html", s=summary, tz=staff.tz)


@post("/consultations/topics", opt={"roles": consultations.TOPIC_DECIDERS})
async def consultation_topics(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Q1: record the topics chosen for the next quarter."""
    try:
        form = parse_form(NoticeTopicsForm, data)
    except FormErrors as exc:
        quarter = str(data.get("from_quarter") or consultations.quarter_label(now(), staff.tz))
        summary = await consultations.quarterly_summary(staff, quarter)
        context: dict[str, Any] = {"s": summary, "tz": staff.tz, "errors": exc.errors, "values": exc.values}
        return page(request, "followups/consultation_summary.html", status_code=422, **context)
    await consultations.decide_topics(staff, form.quarter, form.topics, now())
    return Redirect(f"/consultations/summary?quarter={data.get('from_quarter', '')}", status_code=303)


ROUTES = [
    *reopen_routes.ROUTES,
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
]

"""Supervision pages: the reports due and their drafts (G1, G2), the daily review (P4). Storm mode,
emergency calls, night records and "explained to the resident" are in `_more_routes`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, Parameter
from litestar.response import Response, Template

from app import clock, paging
from app.auth.schemas import CurrentStaff
from app.supervision import _daily, _reports
from app.supervision._more_routes import ROUTES as MORE_ROUTES
from app.supervision.schemas import ReportSave, ReportSubmit, ReviewDone
from app.sync.forms import FormOutcome, submit_form
from app.web import page

READERS = {"roles": _reports.REPORT_READERS}
WRITERS = {"roles": _reports.REPORT_WRITERS}
REVIEW = {"roles": _daily.REVIEWERS | {"qa"}}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
# Checked by the service, which says what is wrong (a 4xx page in words, not a bare 400).
Kind = Annotated[str, Parameter(max_length=20)]
Period = Annotated[str, Parameter(max_length=60)]


@get("/supervision", opt=READERS)
async def supervision_index(request: Request, staff: CurrentStaff, before: paging.Before = None) -> Template:
    """The reports asked for now (due, late, submitted), and those submitted before, 30 a page."""
    now = clock.now()
    due = await _reports.due_reports(staff, now)
    cursor = paging.parse(before)
    history, more = await _reports.history(staff, cursor)
    pager = paging.pager("/supervision", {}, more, cursor is not None)
    return page(request, "supervision/index.html", due=due, history=history, pager=pager)


async def _report_page(request: Request, staff: CurrentStaff, kind: str, period: str, **extra: Any) -> Template:
    report = await _reports.report_page(staff, kind, period, clock.now())
    if "values" in extra:
        report = {**report, **{k: v for k, v in extra.pop("values").items() if k in ("title", "body")}}
    return page(request, "supervision/report.html", report=report, **extra)


@get("/supervision/reports/{kind:str}/{period:str}", opt=READERS)
async def report_view(request: Request, staff: CurrentStaff, kind: Kind, period: Period) -> Template:
    """One report: drafted from the figures until it is saved; edited; submitted."""
    return await _report_page(request, staff, kind, period)


async def _write(request: Request, staff: CurrentStaff, kind: str, period: str, data: dict, mutation: Any) -> Any:
    async def again(outcome: FormOutcome) -> Template:
        return await _report_page(request, staff, kind, period, errors=outcome.errors, values=outcome.values)

    done = f"/supervision/reports/{kind}/{period}"
    return await submit_form(staff, mutation, data, done=done, again=again, kind=kind, period=period)


@post("/supervision/reports/{kind:str}/{period:str}/save", opt=WRITERS)
async def report_save(
    request: Request, staff: CurrentStaff, kind: Kind, period: Period, data: Form
) -> Response | Template:
    """Keep the edited draft."""
    return await _write(request, staff, kind, period, data, ReportSave)


@post("/supervision/reports/{kind:str}/{period:str}/submit", opt=WRITERS)
async def report_submit(
    request: Request, staff: CurrentStaff, kind: Kind, period: Period, data: Form
) -> Response | Template:
    """Submit the report (late after its deadline)."""
    return await _write(request, staff, kind, period, data, ReportSubmit)


async def _review_page(request: Request, staff: CurrentStaff, day: date, **extra: Any) -> Template:
    review = await _daily.review_page(staff, day, clock.now())
    return page(request, "supervision/review.html", review=review, **extra)


@get("/supervision/review", opt=REVIEW)
async def review_view(request: Request, staff: CurrentStaff, day: FromQuery[date | None] = None) -> Template:
    """P4: the day's patrols, complaints and repairs, and whether the review was done."""
    return await _review_page(request, staff, day or clock.today(staff.tz))


@post("/supervision/review", opt={"roles": _daily.REVIEWERS})
async def review_record(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Record that the day's review was done."""

    async def again(outcome: FormOutcome) -> Template:
        return await _review_page(request, staff, clock.today(staff.tz), errors=outcome.errors, values=outcome.values)

    day = str(data.get("day") or "")
    return await submit_form(staff, ReviewDone, data, done=f"/supervision/review?day={day[:10]}", again=again)


ROUTES = [supervision_index, report_view, report_save, report_submit, review_view, review_record, *MORE_ROUTES]

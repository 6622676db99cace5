"""The figures pages (K1, F7, C5): the dashboard, the monthly report, the satisfaction records and
the CSV exports behind every figure."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template

from app.auth.schemas import CurrentStaff
from app.clock import now
from app.followups.service import FIGURE_READERS, RULES
from app.org.service import list_offices
from app.reports import service
from app.reports.analysis import WRITERS, MonthlyAnalysisSave, analysis_of
from app.sync.forms import FormOutcome, submit_form
from app.web import is_htmx, page

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

FIGURES = {"roles": FIGURE_READERS}
_MONTHS = {f"{m:02d}" for m in range(1, 13)}


def _month(staff: CurrentStaff, month: str | None) -> str:
    if month and len(month) == 7 and month[4] == "-" and month[:4].isdigit() and month[5:] in _MONTHS:
        return month
    return service.month_of(now(), staff.tz)


async def _figures_context(staff: CurrentStaff, month: str | None, office: int | None) -> dict:
    month = _month(staff, month)
    return {
        "f": await service.dashboard(staff, month, now(), office),
        "offices": await list_offices(staff) if staff.sees_all_offices else [],
        "per_office": await service.per_office(staff, month, now()) if office is None else [],
        "month": month,
        "office": office,
    }


@get("/reports", opt=FIGURES)
async def reports_page(
    request: Request, staff: CurrentStaff, month: FromQuery[str | None] = None, office: FromQuery[int | None] = None
) -> Template:
    """The dashboard: K1 rates against their targets, complaint hot spots, overdue items — as SVG."""
    template = "reports/_figures.html" if is_htmx(request) else "reports/reports.html"
    return page(request, template, **await _figures_context(staff, month, office))


@get("/reports/monthly", opt=FIGURES)
async def monthly_report(
    request: Request, staff: CurrentStaff, month: FromQuery[str | None] = None, office: FromQuery[int | None] = None
) -> Template:
    """The monthly report (F7): the figures, follow-ups by rule, recurring problems; printable."""
    context = await _figures_context(staff, month, office)
    context["summary"] = await service.followup_summary(staff, context["month"], office)
    context["recurring"] = await service.recurring_problems(staff, context["month"], office)
    context["analysis"] = await analysis_of(office or staff.office_id, context["month"])
    context["aspects"] = await service.visit_aspects(staff, context["month"], office)
    context["can_write"] = staff.role in WRITERS and office in (None, staff.office_id)
    context["new_id"] = str(uuid.uuid4())
    return page(request, "reports/monthly.html", **context)


@post("/reports/monthly/analysis", opt={"roles": WRITERS})
async def monthly_analysis_save(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """F7: the analysis (causes and actions) of the month's recurring problems, saved as the same
    `monthly_analysis.save` mutation a phone would send."""
    month = _month(staff, str(data.get("month") or ""))

    async def again(outcome: FormOutcome) -> Template:
        return page(request, "reports/analysis_error.html", errors=outcome.errors, month=month)

    return await submit_form(staff, MonthlyAnalysisSave, data, done=f"/reports/monthly?month={month}", again=again)


@get("/reports/satisfaction", opt=FIGURES)
async def satisfaction_page(
    request: Request, staff: CurrentStaff, month: FromQuery[str | None] = None, office: FromQuery[int | None] = None
) -> Template:
    """The follow-up answers the satisfaction figure counts (recorded that month)."""
    month = _month(staff, month)
    rows = await service.satisfaction_records(staff, month, office)
    return page(request, "reports/satisfaction.html", rows=rows, month=month, office=office, rules=RULES)


@get("/reports/export.csv", opt=FIGURES)
async def export_csv(
    staff: CurrentStaff,
    kind: FromQuery[str] = "followups",
    month: FromQuery[str | None] = None,
    office: FromQuery[int | None] = None,
) -> Response:
    """The records behind a figure, as CSV (UTF-8 with BOM, for Excel)."""
    kind = kind if kind in service.EXPORT_KINDS else "followups"
    month = _month(staff, month)
    body = await service.export(staff, kind, month, office)
    disposition = f'attachment; filename="{kind}-{month}.csv"'
    return Response(body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition})


ROUTES = [reports_page, monthly_report, monthly_analysis_save, satisfaction_page, export_csv]

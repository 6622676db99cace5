"""The supervisor's written reports (SPEC G1, G2): drafted from the figures, edited, submitted with a
late mark after the deadline; the list of what is due now."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from app import paging
from app.auth.schemas import CurrentStaff
from app.clock import aware, local, when_it_happened
from app.duty import incidents as duty_incidents
from app.errors import Forbidden, RuleViolation
from app.i18n import _, lazy
from app.supervision import deadlines, drafts
from app.supervision._calls import call_lines
from app.supervision.schemas import ReportSave, ReportSubmit
from app.supervision.tables import SupervisionReport
from app.sync.registry import ApplyContext

REPORT_WRITERS = frozenset({"supervisor"})
REPORT_READERS = frozenset({"supervisor", "manager", "qa"})
KIND_LABELS = {
    "weekly": lazy("Weekly report"),
    "month_plan": lazy("Next month's plan"),
    "month_report": lazy("Last month's report"),
    "incident": lazy("Incident report"),
}
STATUS_LABELS = {
    "submitted": lazy("Submitted"),
    "due": lazy("Due now"),
    "late": lazy("Past its deadline"),
    "upcoming": lazy("Not due yet"),
}
INCIDENT_DAYS = 14  # incidents of the last two weeks are listed for their report


def check_reader(staff: CurrentStaff) -> None:
    if staff.role not in REPORT_READERS:
        raise Forbidden()


def window_of(kind: str, period: str, staff: CurrentStaff) -> deadlines.Window:
    try:
        return deadlines.window(kind, period, staff.tz)
    except ValueError:
        raise RuleViolation("bad_period", _("This report's period is not valid."), field="period") from None


async def _saved(office_id: int, kind: str, period: str) -> dict | None:
    return (
        await SupervisionReport.select()
        .where(
            (SupervisionReport.office == office_id)
            & (SupervisionReport.kind == kind)
            & (SupervisionReport.period == period)
        )
        .first()
    )


async def draft(staff: CurrentStaff, kind: str, period: str, now: datetime) -> tuple[str, str, dict]:
    """A fresh draft from today's figures: title, text, and the figures it was made from."""
    window_of(kind, period, staff)
    if kind == "incident":
        try:
            entry_id = UUID(period[11:])
        except ValueError:
            raise RuleViolation("bad_period", _("This report's period is not valid."), field="period") from None
        made = await drafts.incident_draft(staff, entry_id, await call_lines(staff, entry_id))
        if made is None:
            raise RuleViolation("no_incident", _("That incident is not in your office's duty log."), field="period")
        return made
    found = await drafts.figures(staff, kind, period, now)
    title, body = drafts.body_of(kind, period, found, staff.office_name)
    return title, body, found


async def _write(ctx: ApplyContext, m: ReportSave | ReportSubmit, submit: bool) -> None:
    staff = ctx.staff
    if staff.role not in REPORT_WRITERS:
        raise RuleViolation("forbidden", _("Only the service-centre supervisor writes these reports."))
    data = m.data
    w = window_of(data.kind, data.period, staff)
    row = await _saved(staff.office_id, data.kind, data.period)
    if row is not None and row["state"] == "submitted":
        raise RuleViolation("submitted", _("This report was already submitted."), field="body")
    happened, _suspect = when_it_happened(m.recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    values: dict[Any, Any] = {
        SupervisionReport.title: data.title.strip(),
        SupervisionReport.body: data.body,
        SupervisionReport.updated_at: happened,
        SupervisionReport.updated_by: staff.id,
    }
    if submit:
        values |= {
            SupervisionReport.state: "submitted",
            SupervisionReport.submitted_at: happened,
            SupervisionReport.submitted_by: staff.id,
            SupervisionReport.late: happened >= w.due_at,
        }
    if row is not None:
        await SupervisionReport.update(values).where(SupervisionReport.id == row["id"])
        return
    _title, _body, figures = await draft(staff, data.kind, data.period, ctx.received_at)
    await SupervisionReport.insert(
        SupervisionReport(
            id=m.id,
            office=staff.office_id,
            kind=data.kind,
            period=data.period,
            figures=msgspec.json.encode(figures).decode(),
            due_at=w.due_at,
            **{column._meta.name: value for column, value in values.items()},
        )
    )


async def apply_save(ctx: ApplyContext, m: ReportSave) -> None:
    await _write(ctx, m, submit=False)


async def apply_submit(ctx: ApplyContext, m: ReportSubmit) -> None:
    await _write(ctx, m, submit=True)


def _decorated(kind: str, period: str, row: dict | None, staff: CurrentStaff, now: datetime) -> dict:
    w = deadlines.window(kind, period, staff.tz)
    state = deadlines.status(kind, period, now, staff.tz, row is not None and row["state"] == "submitted")
    return {
        "id": row["id"] if row else None,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "period": period,
        "title": row["title"] if row else "",
        "status": state,
        "status_label": STATUS_LABELS[state],
        "due_local": local(w.due_at - timedelta(minutes=1), staff.tz),
        "late": bool(row and row["late"]),
        "saved": row is not None,
        "submitted_local": local(row["submitted_at"], staff.tz) if row and row["submitted_at"] else None,
        "href": f"/supervision/reports/{kind}/{period}",
    }


async def due_reports(staff: CurrentStaff, now: datetime, office_id: int | None = None) -> list[dict]:
    """The reports asked for now: this week's, last month's, next month's plan (in its week), and the
    major incidents of the last two weeks — each with its status (due, late, submitted)."""
    office_id = office_id or staff.office_id
    periods = deadlines.current_periods(now, staff.tz)
    since = now - timedelta(days=INCIDENT_DAYS)
    for entry in await duty_incidents.major_incidents(office_id, since, now + timedelta(minutes=5)):
        day = local(entry["recorded_at"], staff.tz).date()  # type: ignore[union-attr]
        periods.append(("incident", f"{day.isoformat()}:{entry['id']}"))
    rows = {
        (r["kind"], r["period"]): r
        for r in await SupervisionReport.select().where(
            (SupervisionReport.office == office_id) & SupervisionReport.period.is_in([p for _k, p in periods] or [""])
        )
    }
    return [_decorated(kind, period, rows.get((kind, period)), staff, now) for kind, period in periods]


HISTORY_PAGE = 30  # submitted reports on one page of /supervision (under the ones asked for now)


async def history(staff: CurrentStaff, cursor: paging.Cursor | None = None) -> tuple[list[dict], str | None]:
    """The office's submitted reports, last submitted first, 30 a page after `cursor` (then by id);
    with the cursor of the next page (None: the last)."""
    query = SupervisionReport.select().where(
        (SupervisionReport.office == staff.office_id) & (SupervisionReport.state == "submitted")
    )
    query = paging.after(query, SupervisionReport.submitted_at, SupervisionReport.id, cursor, size=HISTORY_PAGE)
    rows, more = paging.cut(await query, "submitted_at", size=HISTORY_PAGE)
    return [_decorated(r["kind"], r["period"], r, staff, aware(r["submitted_at"])) for r in rows], more


async def report_page(staff: CurrentStaff, kind: str, period: str, now: datetime) -> dict:
    """One report: the saved one, or a fresh draft from the figures; its deadline and status."""
    check_reader(staff)
    if kind not in deadlines.KINDS:
        raise RuleViolation("bad_kind", _("There is no such report."), field="kind")
    row = await _saved(staff.office_id, kind, period)
    if row is None:
        title, body, figures = await draft(staff, kind, period, now)
    else:
        title, body, figures = row["title"], row["body"], msgspec.json.decode(row["figures"] or "{}")
    return {
        **_decorated(kind, period, row, staff, now),
        "title": title,
        "body": body,
        "figures": figures,
        "can_edit": staff.role in REPORT_WRITERS and not (row and row["state"] == "submitted"),
    }

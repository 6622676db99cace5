"""The figures the office is judged by (SPEC K1, F7, C5): follow-up rate, on-time completion,
satisfaction, complaint count and hot spots, overdue items — per office, or across offices for qa;
the monthly report and CSV exports of the records behind every figure.

NOTE: work orders and requests are app.work's tables; reports read them directly (read-only), as
DESIGN allows for reporting, rather than through a list function made for pages.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.auth.schemas import CurrentStaff
from app.errors import Forbidden
from app.followups._common import CLASSIFICATIONS, FIGURE_READERS, METHODS, RULES, month_bounds, utc
from app.followups.complaints import ANSWER_WITHIN
from app.followups.service import due_or_done
from app.followups.tables import Complaint, FollowupRecord, FollowupTask
from app.i18n import _
from app.org.service import list_offices
from app.spreadsheets import write_csv
from app.work._common import category_label
from app.work.tables import ServiceRequest, WorkOrder

TARGETS = {"followup_rate": 100.0, "on_time": 98.0, "satisfaction": 95.0}  # K1
DONE_STATES = ["completed", "resolved"]
OPEN_STATES = ["queued", "dispatched", "accepted", "arrived", "cannot_fix", "escalated"]


def percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _offices(staff: CurrentStaff, office: int | None) -> list[int] | None:
    """None: every office (qa's company view)."""
    if staff.role not in FIGURE_READERS:
        raise Forbidden()
    if office is None:
        return None if staff.sees_all_offices else [staff.office_id]
    if not staff.sees_all_offices and office != staff.office_id:
        raise Forbidden()
    return [office]


def _in(column, offices: list[int] | None):
    return column.is_in(offices) if offices is not None else column.is_not_null()


def month_of(now: datetime, tz: ZoneInfo) -> str:
    return utc(now).astimezone(tz).strftime("%Y-%m")


def _previous_months(month: str, n: int) -> list[str]:
    year, mon = int(month[:4]), int(month[5:7])
    months = []
    for _i in range(n):
        months.append(f"{year:04d}-{mon:02d}")
        year, mon = (year, mon - 1) if mon > 1 else (year - 1, 12)
    return months[::-1]


def _answered(offices: list[int] | None, since: datetime, until: datetime):
    """The records satisfaction counts: reached, with an answer, recorded in the period (K1)."""
    return (
        _in(FollowupRecord.office, offices)
        & FollowupRecord.reached.eq(True)
        & FollowupRecord.satisfied.is_not_null()
        & (FollowupRecord.recorded_at >= since)
        & (FollowupRecord.recorded_at < until)
    )


async def dashboard(staff: CurrentStaff, month: str, now: datetime, office: int | None = None) -> dict:
    """K1 figures of a month (office calendar), each with its numerator, denominator and target."""
    offices = _offices(staff, office)
    tz = ZoneInfo(staff.office_time_zone)
    since, until = month_bounds(month, tz)
    now = utc(now)

    tasks = await FollowupTask.select(FollowupTask.state).where(
        _in(FollowupTask.office, offices)
        & (FollowupTask.created_at >= since)
        & (FollowupTask.created_at < until)
        & due_or_done(now)
    )
    followups_done = sum(1 for t in tasks if t["state"] == "done")

    orders = await WorkOrder.select(WorkOrder.completed_at, WorkOrder.due_at).where(
        _in(WorkOrder.office, offices)
        & WorkOrder.state.is_in(DONE_STATES)
        & (WorkOrder.completed_at >= since)
        & (WorkOrder.completed_at < until)
    )
    on_time = sum(1 for o in orders if utc(o["completed_at"]) <= utc(o["due_at"]))

    answers = await FollowupRecord.select(FollowupRecord.satisfied).where(_answered(offices, since, until))
    satisfied = sum(1 for a in answers if a["satisfied"])

    complaints = await ServiceRequest.select(
        ServiceRequest.id, ServiceRequest.unit.building.name.as_alias("building")
    ).where(
        _in(ServiceRequest.office, offices)
        & (ServiceRequest.kind == "complaint")
        & (ServiceRequest.recorded_at >= since)
        & (ServiceRequest.recorded_at < until)
    )
    classes = (
        {
            r["request"]: r["classification"]
            for r in await Complaint.select(Complaint.request, Complaint.classification).where(
                Complaint.request.is_in([c["id"] for c in complaints] or [None])
            )
        }
        if complaints
        else {}
    )
    by_class: dict[str, int] = {}
    by_building: dict[str, int] = {}
    for c in complaints:
        code = classes.get(c["id"]) or "unclassified"
        by_class[code] = by_class.get(code, 0) + 1
        name = c["building"] or _("No building")
        by_building[name] = by_building.get(name, 0) + 1

    months = _previous_months(month, 12)
    first, _end = month_bounds(months[0], tz)
    recent = await ServiceRequest.select(ServiceRequest.recorded_at).where(
        _in(ServiceRequest.office, offices)
        & (ServiceRequest.kind == "complaint")
        & (ServiceRequest.recorded_at >= first)
        & (ServiceRequest.recorded_at < until)
    )
    by_month = dict.fromkeys(months, 0)
    for r in recent:
        key = utc(r["recorded_at"]).astimezone(tz).strftime("%Y-%m")
        if key in by_month:
            by_month[key] += 1

    overdue_tasks = await FollowupTask.count().where(
        _in(FollowupTask.office, offices) & (FollowupTask.state == "open") & (FollowupTask.due_at < now)
    )
    overdue_orders = await WorkOrder.count().where(
        _in(WorkOrder.office, offices) & WorkOrder.state.is_in(OPEN_STATES) & (WorkOrder.due_at < now)
    )
    open_complaints = await ServiceRequest.select(ServiceRequest.id).where(
        _in(ServiceRequest.office, offices)
        & (ServiceRequest.kind == "complaint")
        & (ServiceRequest.state != "closed")
        & (ServiceRequest.recorded_at < now - ANSWER_WITHIN)
    )
    answered = (
        {
            r["request"]
            for r in await Complaint.select(Complaint.request).where(
                Complaint.request.is_in([c["id"] for c in open_complaints] or [None])
                & Complaint.answered_at.is_not_null()
            )
        }
        if open_complaints
        else set()
    )
    lapsed = len([c for c in open_complaints if c["id"] not in answered])

    q = f"month={month}" + (f"&office={office}" if office else "")
    return {
        "month": month,
        "office": office,
        "rates": [
            {
                "code": "followup_rate",
                "label": _("Follow-up rate"),
                "note": _("Follow-ups made this month that are done or past due; one not due yet is not counted."),
                "part": followups_done,
                "whole": len(tasks),
                "value": percent(followups_done, len(tasks)),
                "target": TARGETS["followup_rate"],
                "href": f"/followups?view=rated&{q}",
            },
            {
                "code": "on_time",
                "label": _("On-time completion"),
                "part": on_time,
                "whole": len(orders),
                "value": percent(on_time, len(orders)),
                "target": TARGETS["on_time"],
                "href": f"/reports/export.csv?kind=orders&{q}",
            },
            {
                "code": "satisfaction",
                "label": _("Satisfaction"),
                "part": satisfied,
                "whole": len(answers),
                "value": percent(satisfied, len(answers)),
                "target": TARGETS["satisfaction"],
                "href": f"/reports/satisfaction?{q}",
            },
        ],
        "complaints": len(complaints),
        "complaints_href": f"/complaints?view=all&{q}",
        "by_class": [
            {
                "label": CLASSIFICATIONS.get(code, _("Not classified yet")),
                "value": n,
                "href": f"/complaints?view=all&classification={code}&{q}",
            }
            for code, n in sorted(by_class.items(), key=lambda kv: -kv[1])
        ],
        "by_building": [
            {"label": name, "value": n, "href": f"/complaints?view=all&building={name}&{q}"}
            for name, n in sorted(by_building.items(), key=lambda kv: -kv[1])
        ],
        "by_month": [
            {
                "label": m[2:],
                "value": n,
                "href": f"/complaints?view=all&month={m}" + (f"&office={office}" if office else ""),
            }
            for m, n in by_month.items()
        ],
        "overdue": [
            {"label": _("Follow-ups overdue"), "value": overdue_tasks, "href": "/followups?view=overdue"},
            {"label": _("Work orders overdue"), "value": overdue_orders, "href": "/work/orders?view=overdue"},
            {"label": _("Complaints unanswered after 3 days"), "value": lapsed, "href": "/complaints?view=lapsed"},
        ],
    }


async def satisfaction_records(staff: CurrentStaff, month: str, office: int | None = None) -> list[dict]:
    """The records behind the satisfaction figure, by the same condition (its link)."""
    offices = _offices(staff, office)
    since, until = month_bounds(month, ZoneInfo(staff.office_time_zone))
    return await (
        FollowupRecord.select(
            FollowupRecord.id,
            FollowupRecord.task,
            FollowupRecord.satisfied,
            FollowupRecord.words,
            FollowupRecord.recorded_at,
            FollowupRecord.staff.display_name.as_alias("staff_name"),
            FollowupRecord.office.name.as_alias("office_name"),
            FollowupRecord.task.rule.as_alias("rule"),
            FollowupRecord.task.request.description.as_alias("description"),
            FollowupRecord.task.request.unit.number.as_alias("unit_number"),
        )
        .where(_answered(offices, since, until))
        .order_by(FollowupRecord.recorded_at)
    )


async def per_office(staff: CurrentStaff, month: str, now: datetime) -> list[dict]:
    """qa: the three rates of each office side by side."""
    if not staff.sees_all_offices:
        return []
    rows = []
    for o in await list_offices(staff):
        figures = await dashboard(staff, month, now, office=o["id"])
        rows.append({"id": o["id"], "name": o["name"], "rates": figures["rates"], "complaints": figures["complaints"]})
    return rows


async def recurring_problems(staff: CurrentStaff, month: str, office: int | None = None) -> list[dict]:
    """F7: units with two or more repairs of the same category in the month, and not-satisfied follow-ups."""
    offices = _offices(staff, office)
    tz = ZoneInfo(staff.office_time_zone)
    since, until = month_bounds(month, tz)
    rows = await WorkOrder.select(
        WorkOrder.category, WorkOrder.request.unit.number.as_alias("unit"), WorkOrder.seq
    ).where(_in(WorkOrder.office, offices) & (WorkOrder.issued_at >= since) & (WorkOrder.issued_at < until))
    groups: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        if r["unit"]:
            groups.setdefault((r["unit"], r["category"]), []).append(r["seq"])
    return [
        {"unit": unit, "category": category_label(cat), "count": len(seqs), "orders": sorted(seqs)}
        for (unit, cat), seqs in sorted(groups.items(), key=lambda kv: -len(kv[1]))
        if len(seqs) >= 2
    ]


async def followup_summary(staff: CurrentStaff, month: str, office: int | None = None) -> list[dict]:
    """F7: the month's follow-ups by rule: made, done, satisfied, not satisfied."""
    offices = _offices(staff, office)
    since, until = month_bounds(month, ZoneInfo(staff.office_time_zone))
    rows = await FollowupTask.select(FollowupTask.rule, FollowupTask.state, FollowupTask.satisfied).where(
        _in(FollowupTask.office, offices) & (FollowupTask.created_at >= since) & (FollowupTask.created_at < until)
    )
    summary: dict[str, dict] = {}
    for r in rows:
        s = summary.setdefault(
            r["rule"],
            {
                "rule": r["rule"],
                "label": RULES.get(r["rule"], r["rule"]),
                "made": 0,
                "done": 0,
                "satisfied": 0,
                "unsatisfied": 0,
            },
        )
        s["made"] += 1
        s["done"] += r["state"] == "done"
        s["satisfied"] += r["satisfied"] is True
        s["unsatisfied"] += r["satisfied"] is False
    return [summary[k] for k in sorted(summary)]


# --- CSV exports -----------------------------------------------------------------------------------

EXPORT_KINDS = ("followups", "orders", "complaints")


def _csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with BOM: Excel in mainland China opens it with the right characters."""
    return write_csv(header, rows)  # cells starting with = + - @ neutralised (formula injection)


async def export(staff: CurrentStaff, kind: str, month: str, office: int | None = None) -> bytes:
    """The records behind the month's figures, as CSV."""
    offices = _offices(staff, office)
    tz = ZoneInfo(staff.office_time_zone)
    since, until = month_bounds(month, tz)

    def fmt(value: datetime | None) -> str:
        return utc(value).astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""

    if kind == "followups":
        rows = await FollowupTask.select(
            FollowupTask.office.name.as_alias("office"),
            FollowupTask.rule,
            FollowupTask.request.description.as_alias("description"),
            FollowupTask.request.unit.number.as_alias("unit"),
            FollowupTask.work_order.seq.as_alias("seq"),
            FollowupTask.assignee.display_name.as_alias("assignee"),
            FollowupTask.created_at,
            FollowupTask.due_at,
            FollowupTask.state,
            FollowupTask.done_at,
            FollowupTask.satisfied,
        ).where(
            _in(FollowupTask.office, offices) & (FollowupTask.created_at >= since) & (FollowupTask.created_at < until)
        )
        header = [
            _("Office"),
            _("Rule"),
            _("Request"),
            _("Unit"),
            _("Work order"),
            _("Assignee"),
            _("Made"),
            _("Due"),
            _("State"),
            _("Done"),
            _("Satisfied"),
        ]
        body = [
            [
                r["office"],
                r["rule"],
                r["description"],
                r["unit"] or "",
                r["seq"] or "",
                r["assignee"] or "",
                fmt(r["created_at"]),
                fmt(r["due_at"]),
                r["state"],
                fmt(r["done_at"]),
                "" if r["satisfied"] is None else ("1" if r["satisfied"] else "0"),
            ]
            for r in rows
        ]
    elif kind == "orders":
        rows = await WorkOrder.select(
            WorkOrder.office.name.as_alias("office"),
            WorkOrder.seq,
            WorkOrder.category,
            WorkOrder.request.unit.number.as_alias("unit"),
            WorkOrder.issued_at,
            WorkOrder.due_at,
            WorkOrder.completed_at,
            WorkOrder.paid,
            WorkOrder.charges_total_fen,
        ).where(
            _in(WorkOrder.office, offices)
            & WorkOrder.state.is_in(DONE_STATES)
            & (WorkOrder.completed_at >= since)
            & (WorkOrder.completed_at < until)
        )
        header = [
            _("Office"),
            _("Work order"),
            _("Category"),
            _("Unit"),
            _("Issued"),
            _("Due"),
            _("Completed"),
            _("On time"),
            _("Paid"),
            _("Amount (yuan)"),
        ]
        body = [
            [
                r["office"],
                r["seq"],
                category_label(r["category"]),
                r["unit"] or "",
                fmt(r["issued_at"]),
                fmt(r["due_at"]),
                fmt(r["completed_at"]),
                "1" if utc(r["completed_at"]) <= utc(r["due_at"]) else "0",
                "1" if r["paid"] else "0",
                f"{r['charges_total_fen'] / 100:.2f}",
            ]
            for r in rows
        ]
    else:
        rows = await ServiceRequest.select(
            ServiceRequest.id,
            ServiceRequest.office.name.as_alias("office"),
            ServiceRequest.description,
            ServiceRequest.unit.number.as_alias("unit"),
            ServiceRequest.unit.building.name.as_alias("building"),
            ServiceRequest.owner.display_name.as_alias("owner"),
            ServiceRequest.recorded_at,
            ServiceRequest.state,
        ).where(
            _in(ServiceRequest.office, offices)
            & (ServiceRequest.kind == "complaint")
            & (ServiceRequest.recorded_at >= since)
            & (ServiceRequest.recorded_at < until)
        )
        details = (
            {
                d["request"]: d
                for d in await Complaint.select().where(Complaint.request.is_in([r["id"] for r in rows] or [None]))
            }
            if rows
            else {}
        )
        header = [
            _("Office"),
            _("Complaint"),
            _("Unit"),
            _("Building"),
            _("First responder"),
            _("Received"),
            _("Classification"),
            _("Answered"),
            _("Within 3 days"),
            _("State"),
        ]
        body = []
        for r in rows:
            d = details.get(r["id"], {})
            answered = d.get("answered_at")
            within = answered is not None and utc(answered) <= utc(r["recorded_at"]) + timedelta(days=3)
            body.append(
                [
                    r["office"],
                    r["description"],
                    r["unit"] or "",
                    r["building"] or "",
                    r["owner"],
                    fmt(r["recorded_at"]),
                    str(CLASSIFICATIONS.get(d.get("classification", ""), "")),
                    fmt(answered),
                    "1" if within else "0",
                    r["state"],
                ]
            )
    return _csv([str(h) for h in header], body)


__all__ = [
    "EXPORT_KINDS",
    "METHODS",
    "dashboard",
    "export",
    "followup_summary",
    "month_of",
    "per_office",
    "recurring_problems",
    "satisfaction_records",
]

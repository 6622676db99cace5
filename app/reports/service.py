"""The figures the office is judged by (SPEC K1, F7, C5): follow-up rate, on-time completion,
satisfaction, complaint count and hot spots, overdue items — per office, or across offices for qa;
the monthly report and CSV exports of the records behind every figure.

Work orders and requests are read through app.work's read API (`work.done_orders`, …). The CSV
exports are in `_exports`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.auth.schemas import CurrentStaff
from app.clock import aware as utc
from app.estate.service import file_error_rate
from app.followups import service as followups
from app.followups.complaints import ANSWER_WITHIN
from app.i18n import _
from app.org.service import all_office_ids, list_offices
from app.reports._exports import EXPORT_KINDS, export
from app.surveys import service as surveys
from app.work import service as work

RECURRING_AT = 2  # F7: a unit with this many repairs of one category in a month is a recurring problem
# F2/K1: a repair done this long ago with no follow-up task of its own counts as not followed up
# (the follow-up rate must not look complete while repairs have no task, e.g. a leak with no test date).
UNFOLLOWED_AFTER = timedelta(days=2)
TARGETS = {"followup_rate": 100.0, "on_time": 98.0, "satisfaction": 95.0, "file_errors": 1.0}  # K1
TARGETS["survey_satisfaction"] = TARGETS["satisfaction"]  # K1 from the owner survey (app.surveys), judged alike


def target_sources() -> dict[str, str]:
    """K1: where each target comes from, named beside it on the page (the customer-service
    department's quality targets)."""
    return {
        "followup_rate": _("Customer service quality target: resident follow-up rate 100%."),
        "on_time": _("Customer service quality target: business handled on time above 98%."),
        "satisfaction": _("Customer service quality target: residents' satisfaction above 95%."),
        "survey_satisfaction": _("Customer service quality target: residents' satisfaction above 95%."),
        "file_errors": _("Customer service quality target: resident file error rate below 1%."),
    }


def meets(code: str, value: float | None) -> bool | None:
    """K1, read strictly: the follow-up rate is 100 %; on-time completion and satisfaction are *more*
    than their target (98.0 % does not meet "> 98 %"); the file error rate is *below* 1 %."""
    if value is None:
        return None
    if code == "followup_rate":
        return value >= TARGETS[code]
    if code == "file_errors":
        return value < TARGETS[code]
    return value > TARGETS[code]


def _judged(rates: list[dict]) -> list[dict]:
    sources = target_sources()
    for rate in rates:
        rate["meets"] = meets(rate["code"], rate["value"])
        rate["source"] = sources[rate["code"]]
    return rates


async def _file_checks(offices: list[int] | None, since: datetime, until: datetime) -> tuple[int, int]:
    """E2/K1: files found wrong and files checked by the spot checks of the period, over the offices."""
    wrong = checked = 0
    for office_id in offices if offices is not None else await all_office_ids():
        rate = await file_error_rate(office_id, since, until)
        wrong, checked = wrong + rate.wrong, checked + rate.checked
    return wrong, checked


def percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


month_of = followups.month_of


def _previous_months(month: str, n: int) -> list[str]:
    year, mon = int(month[:4]), int(month[5:7])
    months = []
    for _i in range(n):
        months.append(f"{year:04d}-{mon:02d}")
        year, mon = (year, mon - 1) if mon > 1 else (year - 1, 12)
    return months[::-1]


async def dashboard(staff: CurrentStaff, month: str, now: datetime, office: int | None = None) -> dict:
    """K1 figures of a month (office calendar), each with its numerator, denominator and target."""
    offices = followups.figure_offices(staff, office)
    tz = staff.tz
    since, until = followups.month_bounds(month, tz)
    now = utc(now)

    tasks = await followups.rated_task_states(offices, since, until, now)
    followups_done = sum(1 for state in tasks if state == "done")

    orders = await work.done_orders(offices, since, until)
    on_time = sum(1 for o in orders if utc(o.completed_at) <= utc(o.due_at))
    followed = await followups.orders_followed([o.id for o in orders])
    unfollowed = [o for o in orders if o.id not in followed and utc(o.completed_at) + UNFOLLOWED_AFTER < now]

    answers = await followups.satisfaction_answers(offices, since, until)
    satisfied = sum(1 for a in answers if a)

    complaints = await work.complaint_requests(offices, since=since, until=until)
    details = await followups.complaint_details([c.id for c in complaints])
    classes = {k: d["classification"] for k, d in details.items()}
    by_class: dict[str, int] = {}
    by_building: dict[str, int] = {}
    for c in complaints:
        code = classes.get(c.id) or "unclassified"
        by_class[code] = by_class.get(code, 0) + 1
        name = c.building or _("No building")
        by_building[name] = by_building.get(name, 0) + 1

    months = _previous_months(month, 12)
    first, _end = followups.month_bounds(months[0], tz)
    recent = await work.complaint_requests(offices, since=first, until=until)
    by_month = dict.fromkeys(months, 0)
    for r in recent:
        key = utc(r.recorded_at).astimezone(tz).strftime("%Y-%m")
        if key in by_month:
            by_month[key] += 1

    overdue_tasks = await followups.overdue_task_count(offices, now)
    overdue_orders = await work.overdue_order_count(offices, now)
    open_complaints = await work.complaint_requests(offices, state="open", until=now - ANSWER_WITHIN)
    open_details = await followups.complaint_details([c.id for c in open_complaints])
    answered = {k for k, d in open_details.items() if d["answered_at"] is not None}
    lapsed = len([c for c in open_complaints if c.id not in answered])

    files_wrong, files_checked = await _file_checks(offices, since, until)
    survey = await surveys.satisfaction_figure(offices, until)  # K1: the owner survey beside the calls
    q = f"month={month}" + (f"&office={office}" if office else "")
    return {
        "month": month,
        "office": office,
        "rates": _judged(
            [
                {
                    "code": "followup_rate",
                    "label": _("Follow-up rate"),
                    "note": _(
                        "Follow-ups made this month that are done or past due, and repairs finished this month "
                        "with no follow-up yet (%(n)s); one not due yet is not counted.",
                        n=len(unfollowed),
                    ),
                    "part": followups_done,
                    "whole": len(tasks) + len(unfollowed),
                    "value": percent(followups_done, len(tasks) + len(unfollowed)),
                    "target": TARGETS["followup_rate"],
                    "href": f"/followups?view=rated&{q}",
                },
                {
                    "code": "on_time",
                    "label": _("On-time completion"),
                    "note": _("Work orders finished this month, counted on time when finished by their due time."),
                    "part": on_time,
                    "whole": len(orders),
                    "value": percent(on_time, len(orders)),
                    "target": TARGETS["on_time"],
                    "href": f"/reports/export.csv?kind=orders&{q}",
                },
                {
                    "code": "satisfaction",
                    "label": _("Satisfaction (follow-up calls)"),
                    "note": _("Follow-ups of this month where the resident was reached and answered."),
                    "part": satisfied,
                    "whole": len(answers),
                    "value": percent(satisfied, len(answers)),
                    "target": TARGETS["satisfaction"],
                    "href": f"/reports/satisfaction?{q}",
                },
                {
                    "code": "survey_satisfaction",
                    "label": _("Satisfaction (owner survey)"),
                    "note": _("Source: the latest owner opinion survey; ratings of 4 or 5 over all ratings."),
                    "part": survey["part"],
                    "whole": survey["whole"],
                    "value": percent(survey["part"], survey["whole"]),
                    "target": TARGETS["survey_satisfaction"],
                    "href": "/surveys",
                },
                {
                    "code": "file_errors",
                    "label": _("Resident file error rate"),
                    "note": _("Files found wrong in the month's spot checks, over the files checked."),
                    "part": files_wrong,
                    "whole": files_checked,
                    "value": percent(files_wrong, files_checked),
                    "target": TARGETS["file_errors"],
                    "href": "/estate/file-checks",
                },
            ]
        ),
        "complaints": len(complaints),
        "complaints_href": f"/complaints?view=all&{q}",
        "by_class": [
            {
                "label": followups.CLASSIFICATIONS.get(code, _("Not classified yet")),
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
    offices = followups.figure_offices(staff, office)
    since, until = followups.month_bounds(month, staff.tz)
    return await followups.satisfaction_record_rows(offices, since, until)


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
    """F7: units with two or more (RECURRING_AT) repairs of the same category in the month, with counts."""
    offices = followups.figure_offices(staff, office)
    tz = staff.tz
    since, until = followups.month_bounds(month, tz)
    groups: dict[tuple[str, str], list[int]] = {}
    for r in await work.issued_orders(offices, since, until):
        if r.unit_number:
            groups.setdefault((r.unit_number, r.category), []).append(r.seq)
    return [
        {
            "unit": unit,
            "category": work.category_label(cat),
            "count": len(seqs),
            "orders": sorted(seqs),
            "label": _(
                "%(unit)s %(category)s: %(n)s repairs", unit=unit, category=work.category_label(cat), n=len(seqs)
            ),
        }
        for (unit, cat), seqs in sorted(groups.items(), key=lambda kv: -len(kv[1]))
        if len(seqs) >= RECURRING_AT
    ]


async def visit_aspects(staff: CurrentStaff, month: str, office: int | None = None) -> list[dict]:
    """F5: the quarterly visits' answers about the front desk, cleaning, landscaping and security."""
    offices = followups.figure_offices(staff, office)
    since, until = followups.month_bounds(month, staff.tz)
    return await followups.aspect_counts(offices, since, until)


async def followup_summary(staff: CurrentStaff, month: str, office: int | None = None) -> list[dict]:
    """F7: the month's follow-ups by rule: made, done, satisfied, not satisfied."""
    offices = followups.figure_offices(staff, office)
    since, until = followups.month_bounds(month, staff.tz)
    rows = await followups.tasks_made(offices, since, until)
    summary: dict[str, dict] = {}
    for r in rows:
        s = summary.setdefault(
            r["rule"],
            {
                "rule": r["rule"],
                "label": followups.RULES.get(r["rule"], r["rule"]),
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


__all__ = [
    "EXPORT_KINDS",
    "dashboard",
    "export",
    "followup_summary",
    "month_of",
    "per_office",
    "recurring_problems",
    "satisfaction_records",
]

"""Drafts of the supervisor's reports, made from the app's own figures (SPEC G1, G2): K1 from the
figures page's service, repairs and complaints from app.work, follow-ups from app.followups, patrol
findings and open nonconformances from app.patrols, major incidents from the duty log. The draft is
plain text the supervisor edits; the figures it was made from are kept with the report."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from app.auth.schemas import CurrentStaff
from app.clock import aware, day_bounds, local
from app.duty import incidents as duty_incidents
from app.followups import service as followups
from app.i18n import _
from app.patrols import service as patrols
from app.reports import service as reports
from app.supervision import deadlines
from app.work import service as work


def _range(kind: str, period: str) -> tuple[date, date]:
    """The days a report covers, [first, end): the week before the Monday, the month reported, or
    for next month's plan the month now ending (its figures are what the plan starts from)."""
    if kind == "weekly":
        monday = date.fromisoformat(period)
        return monday - timedelta(days=7), monday
    year, mon = int(period[:4]), int(period[5:7])
    if kind == "month_plan":
        year, mon = deadlines.previous_month(year, mon)
    return date(year, mon, 1), date(*deadlines.next_month(year, mon), 1)


async def _patrol_figures(office_id: int, first: date, end: date, staff: CurrentStaff) -> dict:
    rounds = failed = 0
    day = first
    while day < end:
        for r in await patrols.rounds_of_day(office_id, day, staff.tz):
            rounds += r["status"] == "finished"
            failed += r["failed_count"]
        day += timedelta(days=1)
    ncs = await patrols.open_nonconformances(office_id, end - timedelta(days=1), staff.tz)
    return {"rounds": rounds, "failed": failed, "open_ncs": len(ncs), "overdue_ncs": sum(n["overdue"] for n in ncs)}


async def figures(staff: CurrentStaff, kind: str, period: str, now: datetime) -> dict:
    """Everything the draft says, as numbers (kept with the report as it was drafted)."""
    first, end = _range(kind, period)
    since, until = day_bounds(first, staff.tz)[0], day_bounds(end, staff.tz)[0]
    offices = [staff.office_id]
    month = (end - timedelta(days=1)).strftime("%Y-%m")
    k1 = await reports.dashboard(staff, month, now)
    issued = await work.issued_orders(offices, since, until)
    done = await work.done_orders(offices, since, until)
    complaints = await work.complaint_requests(offices, since=since, until=until)
    tasks = await followups.tasks_made(offices, since, until)
    incidents = await duty_incidents.major_incidents(staff.office_id, since, until)
    return {
        "first": first.isoformat(),
        "last": (end - timedelta(days=1)).isoformat(),
        "month": month,
        "k1": [
            {"label": str(r["label"]), "value": r["value"], "target": r["target"], "meets": r["meets"]}
            for r in k1["rates"]
        ],
        "repairs_issued": len(issued),
        "repairs_done": len(done),
        "repairs_on_time": sum(1 for o in done if aware(o.completed_at) <= aware(o.due_at)),
        "complaints": len(complaints),
        "complaints_open": sum(1 for c in complaints if c.state != "closed"),
        "followups_made": len(tasks),
        "followups_done": sum(1 for t in tasks if t["state"] == "done"),
        "followups_unsatisfied": sum(1 for t in tasks if t["satisfied"] is False),
        "patrols": await _patrol_figures(staff.office_id, first, end, staff),
        "incidents": [
            {"at": local(i["recorded_at"], staff.tz).strftime("%m-%d %H:%M"), "text": i["text"][:200]}  # type: ignore[union-attr]
            for i in incidents
        ],
        "open_items": [{"label": str(o["label"]), "value": o["value"]} for o in k1["overdue"]],
    }


def _k1_lines(f: dict) -> list[str]:
    lines = []
    for r in f["k1"]:
        value = "—" if r["value"] is None else f"{r['value']}%"
        verdict = "" if r["meets"] is None else (_("met") if r["meets"] else _("not met"))
        lines.append(f"- {r['label']}：{value}（{_('target')} {r['target']}%）{verdict}")
    return lines


def body_of(kind: str, period: str, f: dict, office_name: str) -> tuple[str, str]:
    """The draft's title and text, from the figures."""
    titles = {
        "weekly": _("Weekly report, %(first)s to %(last)s", first=f["first"], last=f["last"]),
        "month_report": _("Monthly report, %(month)s", month=period),
        "month_plan": _("Work plan for %(month)s", month=period),
    }
    p = f["patrols"]
    lines = [f"{office_name} · {titles[kind]}", "", _("1. Figures of %(month)s", month=f["month"])]
    lines += _k1_lines(f)
    lines += [
        "",
        _("2. The work of the period"),
        "- "
        + _(
            "Repairs: %(issued)s issued, %(done)s done, %(on_time)s of them on time",
            issued=f["repairs_issued"],
            done=f["repairs_done"],
            on_time=f["repairs_on_time"],
        ),
        "- " + _("Complaints: %(n)s, %(open)s still open", n=f["complaints"], open=f["complaints_open"]),
        "- "
        + _(
            "Follow-ups: %(made)s made, %(done)s done, %(bad)s not satisfied",
            made=f["followups_made"],
            done=f["followups_done"],
            bad=f["followups_unsatisfied"],
        ),
        "- "
        + _(
            "Patrols: %(rounds)s rounds walked, %(failed)s checks failed; %(open)s nonconformances open, "
            "%(overdue)s overdue",
            rounds=p["rounds"],
            failed=p["failed"],
            open=p["open_ncs"],
            overdue=p["overdue_ncs"],
        ),
        "",
        _("3. Major incidents"),
    ]
    lines += [f"- {i['at']} {i['text']}" for i in f["incidents"]] or ["- " + _("None.")]
    lines += ["", _("4. Open items")]
    lines += [f"- {o['label']}：{o['value']}" for o in f["open_items"]]
    heading = _("5. Next month's plan") if kind != "weekly" else _("5. Next week's plan")
    lines += ["", heading, "- "]
    return titles[kind][:200], "\n".join(lines)


async def incident_draft(staff: CurrentStaff, entry_id: UUID, calls: list[dict]) -> tuple[str, str, dict] | None:
    """G2: the next-day report of a major incident, from its duty-log entry and what followed."""
    entry, following = await duty_incidents.incident_with_followers(staff.office_id, entry_id)
    if entry is None:
        return None
    at = local(entry["recorded_at"], staff.tz)
    assert at is not None
    title = _("Incident report: %(when)s", when=at.strftime("%Y-%m-%d %H:%M"))
    where = entry["unit_number"] or ""
    lines = [
        f"{staff.office_name} · {title}",
        "",
        _("1. What happened"),
        f"{at.strftime('%H:%M')} {where} {entry['text']}（{_('recorded by')} {entry['author_name']}）",
        "",
        _("2. Who was called and came"),
    ]
    lines += [f"- {c['text']}" for c in calls] or ["- " + _("Nobody recorded as called.")]
    lines += ["", _("3. What followed")]
    lines += [
        f"- {local(r['recorded_at'], staff.tz).strftime('%m-%d %H:%M')} {r['text']}"  # type: ignore[union-attr]
        for r in following
    ] or ["- " + _("Nothing recorded after it yet.")]
    lines += ["", _("4. Cause, damage and what we will change"), "- "]
    figures = {"entry": str(entry_id), "at": at.isoformat(), "following": len(following), "calls": len(calls)}
    return title[:200], "\n".join(lines), figures

"""The supervision sections of the home page: storm mode (everyone), the reports due or late (the
supervisor, G1, G2), today's review (P4) and the night records collected today (W8)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.auth.schemas import CurrentStaff
from app.clock import aware, local
from app.i18n import _
from app.supervision import _calls, _daily, _reports, _storm


async def home_sections(staff: CurrentStaff, now: datetime) -> list[dict]:
    sections: list[dict] = []
    storm = await _storm.active_storm(staff.office_id)
    if storm is not None:
        s = _storm.decorate(storm, staff, now)
        arrival = (
            _("Duty manager %(name)s on site at %(t)s", name=s["duty_manager_name"], t=f"{s['arrived_local']:%H:%M}")
            if s["arrived_local"]
            else _(
                "Duty manager %(name)s: on site by %(t)s",
                name=s["duty_manager_name"],
                t=f"{s['arrive_by_local']:%H:%M}",
            )
        )
        flag = "major" if s["arrival_late"] or s["waiting_late"] else "warn"
        items = [
            {"text": _("Everyone stands by at the office."), "meta": f"{s['started_local']:%H:%M}", "flag": "major"},
            {"text": arrival, "meta": "", "flag": flag},
        ]
        sections.append(
            {
                "title": _("Storm mode: %(kind)s", kind=s["kind_label"]),
                "href": "/supervision/storm",
                "items": items,
                "empty": "",
            }
        )
    if staff.role in _reports.REPORT_WRITERS:
        due = [r for r in await _reports.due_reports(staff, now) if r["status"] in ("due", "late")]
        items = [
            {
                "text": f"{r['kind_label']} · {r['status_label']}",
                "meta": _("by %(t)s", t=f"{r['due_local']:%m-%d %H:%M}"),
                "flag": "major" if r["status"] == "late" else "warn",
                "href": r["href"],
            }
            for r in due
        ]
        sections.append(
            {"title": _("Reports to submit"), "href": "/supervision", "items": items, "empty": _("No report due.")}
        )
    if staff.role in _daily.REVIEWERS:
        today = local(now, staff.tz).date()  # type: ignore[union-attr]
        done = await _daily.review_done(staff.office_id, today)
        sections.append(
            {
                "title": _("Today's review"),
                "href": "/supervision/review",
                "items": []
                if done
                else [
                    {"text": _("Patrols, complaints and repairs not reviewed yet today."), "meta": "", "flag": "warn"}
                ],
                "empty": _("Reviewed today."),
            }
        )
    if staff.role in _daily.COLLECTORS:
        today = local(now, staff.tz).date()  # type: ignore[union-attr]
        n = len(await _daily.night_collections(staff, today))
        text = _("Night records collected today: %(n)s of %(m)s", n=n, m=_daily.NIGHT_COLLECTIONS_A_DAY)
        flag = "" if _daily.night_records_met(n) else "warn"
        sections.append(
            {
                "title": _("Control room's night records"),
                "href": "/supervision/night-records",
                "items": [{"text": text, "meta": "", "flag": flag}],
                "empty": "",
            }
        )
    sections.extend(await _waiting_sections(staff, now))
    return sections


async def _waiting_sections(staff: CurrentStaff, now: datetime) -> list[dict]:
    """Calls of the last day nobody answered yet (D3, D7); repairs not explained to the resident (W5)."""
    sections: list[dict] = []
    if staff.role in _calls.CALLERS:
        waiting = [
            c
            for c in await _calls.calls(staff, limit=20)
            if c["answered_at"] is None and now - aware(c["called_at"]) < timedelta(days=1)
        ]
        if waiting:
            items = [
                {"text": f"{c['callee_name']} · {c['note']}", "meta": f"{c['called_local']:%H:%M}", "flag": "warn"}
                for c in waiting
            ]
            sections.append(
                {"title": _("Emergency calls not answered"), "href": "/supervision/calls", "items": items, "empty": ""}
            )
    if staff.role in {"frontdesk", "supervisor"}:
        stuck = [o for o in await _daily.stuck_repairs(staff) if o["explained"] is None]
        if stuck:
            items = [
                {"text": f"{o['seq']} {o['category_label']} · {o['unit_number'] or ''}", "meta": "", "flag": "warn"}
                for o in stuck
            ]
            sections.append(
                {
                    "title": _("Not yet explained to the resident"),
                    "href": "/supervision/explained",
                    "items": items,
                    "empty": "",
                }
            )
    return sections

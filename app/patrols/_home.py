"""The patrols home page (routes to walk, due rounds, my rounds) and the patrol sections of the
site's home page. Reads only: the weekly due rounds are made by `_weekly`, never by looking (P5)."""

from __future__ import annotations

from datetime import timedelta

from app import paging
from app.auth.schemas import CurrentStaff
from app.i18n import _
from app.org.departments import DEPARTMENTS
from app.patrols._common import (
    NC_STATES,
    REVIEWERS,
    ROUTE_KINDS,
    SETUP_ROLES,
    SPOT_CHECKERS,
    TASK_REASONS,
    VERIFIERS,
    WALKERS,
    today,
    tz_of,
)
from app.patrols._nc_reads import inbox, open_nonconformances
from app.patrols._review import rounds_not_done, rounds_of_day
from app.patrols._round_reads import open_tasks, recent_rounds
from app.patrols._setup import list_routes


async def patrols_home(staff: CurrentStaff, cursor: paging.Cursor | None = None) -> dict:
    """What /patrols shows: routes, rounds not done (P5), my latest rounds, items to verify (P3)."""
    day = today(staff)
    kinds = {"patrol", "entrusted", "renovation"} | ({"spot_check"} if staff.role in SPOT_CHECKERS else set())
    routes = await list_routes(staff.office_id, active_only=True, kinds=kinds)
    rounds = await rounds_of_day(staff.office_id, day, tz_of(staff))
    tasks = await open_tasks(staff.office_id, day - timedelta(days=6))
    to_verify = []
    if staff.role in VERIFIERS:  # P3: rectified items wait for a follow-up inspection (跟进检查)
        ncs = await open_nonconformances(staff.office_id, day, tz_of(staff))
        to_verify = [n for n in ncs if n["state"] == "rectified"]
    mine, more = await recent_rounds(staff, cursor)
    return {
        "to_verify": to_verify,
        "departments": DEPARTMENTS,
        "states": NC_STATES,
        "routes": routes,
        "not_done": rounds_not_done(routes, rounds, tasks),
        "rounds": rounds,
        "mine": mine,
        "pager": paging.pager("/patrols", {}, more, cursor is not None),
        "can_walk": staff.role in WALKERS,
        "can_setup": staff.role in SETUP_ROLES,
        "can_review": staff.role in REVIEWERS,
        "reasons": TASK_REASONS,
        "kinds": ROUTE_KINDS,
        "cache_pages": [
            "/patrols",
            *(f"/patrols/routes/{r['id']}/walk" for r in routes if staff.role in WALKERS),
            *(f"/patrols/nc/{n['id']}" for n in to_verify),
            "/outbox",
        ],
    }


async def home_sections(staff: CurrentStaff) -> list[dict]:
    """What the home page shows of patrols: due rounds for walkers, the inbox for department heads,
    open nonconformances for supervisors and managers."""
    sections: list[dict] = []
    day = today(staff)
    if staff.role == "dept_head":
        box = await inbox(staff, staff.department)
        sections.append(
            {
                "title": _("Nonconformances to rectify"),
                "href": "/patrols/inbox",
                "items": [
                    {
                        "text": n["title"],
                        "meta": n["deadline"].strftime("%m-%d"),
                        "flag": "major" if n["overdue"] else "",
                    }
                    for n in box["open"][:8]
                ],
                "empty": _("Nothing to rectify."),
            }
        )
    if staff.role in WALKERS:
        tasks = await open_tasks(staff.office_id, day - timedelta(days=6))
        routes = await list_routes(staff.office_id, active_only=True, kinds={"patrol"})
        rounds = await rounds_of_day(staff.office_id, day, tz_of(staff))
        due = rounds_not_done(routes, rounds, tasks)
        sections.append(
            {
                "title": _("Patrol rounds to do today"),
                "href": "/patrols",
                "items": [
                    {"text": d["route_name"], "meta": f"{d['done']}/{d['expected']}", "flag": ""} for d in due[:8]
                ],
                "empty": _("All of today's rounds are done."),
            }
        )
    if staff.role in ("supervisor", "manager"):
        ncs = await open_nonconformances(staff.office_id, day, tz_of(staff))
        sections.append(
            {
                "title": _("Open nonconformances"),
                "href": "/patrols/review",
                "items": [
                    {
                        "text": f"{DEPARTMENTS.get(n['department'], n['department'])} · {n['title']}",
                        "meta": n["deadline"].strftime("%m-%d"),
                        "flag": "major" if n["overdue"] else ("difficult" if n["state"] == "rectified" else ""),
                    }
                    for n in ncs[:8]
                ],
                "empty": _("No open nonconformances."),
            }
        )
    return sections

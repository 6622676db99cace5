"""The supervisor's daily review (SPEC P4) and the patrol sections of the home page."""

from __future__ import annotations

from datetime import date, timedelta

from piccolo.query.functions.aggregate import Count

from app.auth.schemas import CurrentStaff
from app.db import get_engine
from app.patrols._common import REVIEWERS, localise, require, today, tz_of
from app.patrols._nc_reads import open_nonconformances
from app.patrols._round_reads import findings_of_rounds, open_tasks
from app.patrols._setup import list_routes
from app.patrols.tables import Finding, PatrolRound, Visit


async def _round_counts(round_ids: list) -> tuple[dict, dict, dict]:
    """Distinct checkpoints visited, findings and failed findings per round (one query each)."""
    if not round_ids:
        return {}, {}, {}
    visited = {
        r["round"]: r["n"]
        for r in await Visit.select(Visit.round, Count(distinct=[Visit.checkpoint], alias="n"))
        .where(Visit.round.is_in(round_ids))
        .group_by(Visit.round)
    }
    findings: dict = {}
    failed: dict = {}
    for r in (
        await Finding.select(Finding.round, Finding.result, Count(alias="n"))
        .where(Finding.round.is_in(round_ids))
        .group_by(Finding.round, Finding.result)
    ):
        findings[r["round"]] = findings.get(r["round"], 0) + r["n"]
        if r["result"] == "fail":
            failed[r["round"]] = r["n"]
    return visited, findings, failed


async def rounds_of_day(office_id: int, day: date, tz) -> list[dict]:
    rows = (
        await PatrolRound.select(
            PatrolRound.id,
            PatrolRound.route,
            PatrolRound.kind,
            PatrolRound.status,
            PatrolRound.started_at,
            PatrolRound.finished_at,
            PatrolRound.skipped,
            PatrolRound.clock_suspect,
            PatrolRound.route.name.as_alias("route_name"),
            PatrolRound.started_by.display_name.as_alias("started_by_name"),
            PatrolRound.subject_staff.display_name.as_alias("subject_name"),
            PatrolRound.task.reason.as_alias("task_reason"),
        )
        .where((PatrolRound.office == office_id) & (PatrolRound.local_date == day))
        .order_by(PatrolRound.started_at)
        .output(load_json=True)
    )
    visited, findings, failed = await _round_counts([r["id"] for r in rows])
    for row in rows:
        row["visited"] = visited.get(row["id"], 0)
        row["finding_count"] = findings.get(row["id"], 0)
        row["failed_count"] = failed.get(row["id"], 0)
        row["skipped_count"] = len(row["skipped"] or [])
    return localise(rows, tz, "started_at", "finished_at")


def rounds_not_done(routes: list[dict], rounds: list[dict], tasks: list[dict]) -> list[dict]:
    """P1/P4: routes with fewer finished rounds today than they expect, and due rounds not done."""
    finished: dict[int, int] = {}
    for r in rounds:
        if r["status"] == "finished":
            finished[r["route"]] = finished.get(r["route"], 0) + 1
    missing = []
    for route in routes:
        expected = route["daily_rounds"]
        if route["kind"] != "entrusted" and expected > 0 and finished.get(route["id"], 0) < expected:
            missing.append(
                {
                    "route_id": route["id"],
                    "route_name": route["name"],
                    "done": finished.get(route["id"], 0),
                    "expected": expected,
                    "reason": "",
                }
            )
    for task in tasks:
        missing.append(
            {
                "route_id": task["route"],
                "route_name": task["route_name"],
                "done": 0,
                "expected": 1,
                "reason": task["reason"],
                "due_date": task["due_date"],
            }
        )
    return missing


async def review(staff: CurrentStaff, office_id: int, day: date) -> dict:
    """P4: the day's rounds, failed findings, open and overdue nonconformances, rounds not done."""
    require(staff, REVIEWERS)
    tz = tz_of(staff)
    # NOTE: one read transaction = one connection for the page's dozen queries (SQLite otherwise opens one
    # per query); a GET writes nothing (the weekly due rounds are made by `_weekly`, not by looking).
    async with get_engine().transaction():
        rounds = await rounds_of_day(office_id, day, tz)
        routes = await list_routes(office_id, active_only=True)
        tasks = [t for t in await open_tasks(office_id, day - timedelta(days=6)) if t["due_date"] <= day]
        findings = await findings_of_rounds([r["id"] for r in rounds], tz, failed_only=True)
        ncs = await open_nonconformances(office_id, today(staff), tz)
    return {
        "day": day,
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "rounds": rounds,
        "findings": findings,
        "nonconformances": ncs,
        "overdue_count": sum(1 for n in ncs if n["overdue"]),
        "not_done": rounds_not_done(routes, rounds, tasks),
    }

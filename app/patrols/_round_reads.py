"""Reading rounds: one round with its visits and findings, the findings of rounds, my latest rounds,
the due rounds not done (P5), the people to spot-check (D9), the round as a JSON document."""

from __future__ import annotations

from uuid import UUID

from app import paging
from app.auth.schemas import CurrentStaff
from app.auth.service import active_staff_of_office
from app.errors import check_found
from app.patrols._common import (
    READERS,
    localise,
    require,
    require_office,
    tz_of,
)
from app.patrols.tables import (
    Checkpoint,
    Finding,
    Nonconformance,
    PatrolRound,
    RoundTask,
    Visit,
)

# --- reading --------------------------------------------------------------------------------------


async def get_round(staff: CurrentStaff, round_id: UUID) -> dict:
    """A round with its visits, skipped checkpoints, findings and nonconformances (office-scoped)."""
    require(staff, READERS)
    query = PatrolRound.select(
        *PatrolRound.all_columns(),
        PatrolRound.route.name.as_alias("route_name"),
        PatrolRound.started_by.display_name.as_alias("started_by_name"),
        PatrolRound.subject_staff.display_name.as_alias("subject_name"),
        PatrolRound.task.reason.as_alias("task_reason"),
    ).where(PatrolRound.id == round_id)
    if not staff.sees_all_offices:
        query = query.where(PatrolRound.office == staff.office_id)
    row = check_found(await query.output(load_json=True).first())
    require_office(staff, row["office"])
    tz = tz_of(staff)
    localise([row], tz, "started_at", "finished_at", "received_at")
    checkpoints = (
        await Checkpoint.select(Checkpoint.id, Checkpoint.name, Checkpoint.position, Checkpoint.active)
        .where(Checkpoint.route == row["route"])
        .order_by(Checkpoint.position)
        .order_by(Checkpoint.id)
    )
    names = {c["id"]: c["name"] for c in checkpoints}
    visits = localise(
        await Visit.select(
            Visit.id,
            Visit.checkpoint,
            Visit.method,
            Visit.visited_at,
            Visit.received_at,
            Visit.staff.display_name.as_alias("staff_name"),
        )
        .where(Visit.round == round_id)
        .order_by(Visit.visited_at),
        tz,
        "visited_at",
        "received_at",
    )
    for visit in visits:
        visit["checkpoint_name"] = names.get(visit["checkpoint"], "?")
    findings = await findings_of_rounds([round_id], tz)
    row["checkpoints"] = [c for c in checkpoints if c["active"]]
    row["visits"] = visits
    row["visited_ids"] = {v["checkpoint"] for v in visits}
    row["skipped_names"] = [names.get(cid, "?") for cid in row["skipped"] or []]
    row["findings"] = findings
    for finding in findings:
        finding["checkpoint_name"] = names.get(finding["checkpoint"], "")
    return row


async def findings_of_rounds(round_ids: list, tz, *, failed_only: bool = False) -> list[dict]:
    if not round_ids:
        return []
    query = Finding.select(
        Finding.id,
        Finding.round,
        Finding.checkpoint,
        Finding.checkpoint.name.as_alias("checkpoint_name"),
        Finding.check_item,
        Finding.check_item.department.as_alias("item_department"),
        Finding.label,
        Finding.result,
        Finding.note,
        Finding.photos,
        Finding.location,
        Finding.recorded_at,
        Finding.received_at,
        Finding.staff.display_name.as_alias("staff_name"),
    ).where(Finding.round.is_in(round_ids))
    if failed_only:
        query = query.where(Finding.result == "fail")
    rows = localise(await query.order_by(Finding.recorded_at).output(load_json=True), tz, "recorded_at", "received_at")
    await _attach_nonconformances(rows)
    return rows


async def _attach_nonconformances(findings: list[dict]) -> None:
    ids = [f["id"] for f in findings if f["result"] == "fail"]
    ncs = {}
    if ids:
        for nc in await Nonconformance.select(
            Nonconformance.id, Nonconformance.finding, Nonconformance.state, Nonconformance.department
        ).where(Nonconformance.finding.is_in(ids)):
            ncs[nc["finding"]] = nc
    for finding in findings:
        finding["nc"] = ncs.get(finding["id"])


ROUNDS_PAGE = 10  # my rounds on one page of /patrols (the number it always showed)


async def recent_rounds(staff: CurrentStaff, cursor: paging.Cursor | None = None) -> tuple[list[dict], str | None]:
    """The staff member's own rounds, latest first, 10 a page after `cursor` (then by id), for the
    patrols page; with the cursor of the next page (None: the last)."""
    query = PatrolRound.select(
        PatrolRound.id,
        PatrolRound.status,
        PatrolRound.started_at,
        PatrolRound.finished_at,
        PatrolRound.route.name.as_alias("route_name"),
    ).where((PatrolRound.office == staff.office_id) & (PatrolRound.started_by == staff.id))
    query = paging.after(query, PatrolRound.started_at, PatrolRound.id, cursor, size=ROUNDS_PAGE)
    rows, more = paging.cut(await query, "started_at", size=ROUNDS_PAGE)
    return localise(rows, tz_of(staff), "started_at", "finished_at"), more


async def open_tasks(office_id: int, since, route_id: int | None = None) -> list[dict]:
    """Due rounds not done yet (P5), newest first; `since` drops the long-missed ones."""
    query = RoundTask.select(
        RoundTask.id,
        RoundTask.route,
        RoundTask.route.name.as_alias("route_name"),
        RoundTask.reason,
        RoundTask.due_date,
        RoundTask.created_at,
        RoundTask.requested_by.display_name.as_alias("requested_by_name"),
    ).where((RoundTask.office == office_id) & RoundTask.round.is_null() & (RoundTask.due_date >= since))
    if route_id is not None:
        query = query.where(RoundTask.route == route_id)
    return await query.order_by(RoundTask.due_date, ascending=False).order_by(RoundTask.id, ascending=False)


async def spot_check_subjects(office_id: int) -> list[dict]:
    """D9: the people whose duty a supervisor may spot-check."""
    return await active_staff_of_office(office_id, ["duty", "frontdesk"])


async def round_as_document(staff: CurrentStaff, round_id: UUID) -> dict:
    """The round as the JSON API gives it (for integrations and tests)."""
    row = await get_round(staff, round_id)
    ncs = (
        await Nonconformance.select(
            Nonconformance.id,
            Nonconformance.finding,
            Nonconformance.department,
            Nonconformance.state,
            Nonconformance.deadline,
        )
        .where(Nonconformance.round == round_id)
        .order_by(Nonconformance.raised_at)
    )
    return {
        "id": str(row["id"]),
        "route_id": row["route"],
        "route_name": row["route_name"],
        "kind": row["kind"],
        "status": row["status"],
        "started_at": row["started_at"].isoformat(),
        "finished_at": row["finished_at"].isoformat() if row["finished_at"] else None,
        "skipped": row["skipped"],
        "visits": [
            {
                "id": str(v["id"]),
                "checkpoint_id": v["checkpoint"],
                "method": v["method"],
                "visited_at": v["visited_at"].isoformat(),
            }
            for v in row["visits"]
        ],
        "findings": [
            {
                "id": str(f["id"]),
                "checkpoint_id": f["checkpoint"],
                "check_item_id": f["check_item"],
                "result": f["result"],
                "note": f["note"],
                "photos": f["photos"],
                "location": f["location"],
            }
            for f in row["findings"]
        ],
        "nonconformances": [
            {
                "id": str(n["id"]),
                "finding_id": str(n["finding"]) if n["finding"] else None,
                "department": n["department"],
                "state": n["state"],
                "deadline": n["deadline"].isoformat(),
            }
            for n in ncs
        ],
    }

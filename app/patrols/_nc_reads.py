"""Reading nonconformances (P3): one item with its history, a department's inbox, the open ones."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from piccolo.query.functions.aggregate import Count

from app import paging
from app.auth.schemas import CurrentStaff
from app.errors import Forbidden, check_found
from app.patrols._common import (
    INBOX_ROLES,
    NC_READERS,
    RECTIFY_ON_BEHALF,
    VERIFIERS,
    localise,
    require,
    today,
    tz_of,
)
from app.patrols.tables import Finding, Nonconformance, NonconformanceEvent

# --- reading --------------------------------------------------------------------------------------

_NC_COLUMNS = (
    Nonconformance.id,
    Nonconformance.office,
    Nonconformance.finding,
    Nonconformance.round,
    Nonconformance.title,
    Nonconformance.department,
    Nonconformance.state,
    Nonconformance.cycle,
    Nonconformance.deadline,
    Nonconformance.raised_at,
    Nonconformance.changed_at,
    Nonconformance.closed_at,
    Nonconformance.raised_by.display_name.as_alias("raised_by_name"),
    Nonconformance.checkpoint.name.as_alias("checkpoint_name"),
)


def _mark_overdue(rows: list[dict], day: date) -> list[dict]:
    for row in rows:
        row["overdue"] = row["state"] == "open" and row["deadline"] < day
    return rows


async def get_nonconformance(staff: CurrentStaff, nc_id: UUID) -> dict:
    """One nonconformance with its finding, photos and history (office-scoped)."""
    require(staff, NC_READERS)
    query = Nonconformance.select(*_NC_COLUMNS).where(Nonconformance.id == nc_id)
    if not staff.sees_all_offices:
        query = query.where(Nonconformance.office == staff.office_id)
    row = check_found(await query.first())
    if staff.role == "dept_head" and staff.department != row["department"]:
        raise Forbidden()
    tz = tz_of(staff)
    localise([row], tz, "raised_at", "changed_at", "closed_at")
    _mark_overdue([row], today(staff))
    row["finding_row"] = None
    if row["finding"]:
        finding = (
            await Finding.select(Finding.note, Finding.photos, Finding.location, Finding.label, Finding.recorded_at)
            .where(Finding.id == row["finding"])
            .output(load_json=True)
            .first()
        )
        row["finding_row"] = localise([finding], tz, "recorded_at")[0] if finding else None
    row["events"] = localise(
        await NonconformanceEvent.select(
            NonconformanceEvent.id,
            NonconformanceEvent.kind,
            NonconformanceEvent.from_state,
            NonconformanceEvent.to_state,
            NonconformanceEvent.note,
            NonconformanceEvent.photos,
            NonconformanceEvent.deadline,
            NonconformanceEvent.reason,
            NonconformanceEvent.recorded_at,
            NonconformanceEvent.received_at,
            NonconformanceEvent.staff.display_name.as_alias("staff_name"),
        )
        .where(NonconformanceEvent.nonconformance == nc_id)
        # In the order the server learned of them: a kept comment's reason speaks of the state it met.
        .order_by(NonconformanceEvent.received_at)
        .order_by(NonconformanceEvent.recorded_at)
        .output(load_json=True),
        tz,
        "recorded_at",
        "received_at",
    )
    return row


def can_rectify(staff: CurrentStaff, nc: dict) -> bool:
    own = staff.role == "dept_head" and staff.department == nc["department"]
    return nc["office"] == staff.office_id and (own or staff.role in RECTIFY_ON_BEHALF)


def can_verify(staff: CurrentStaff, nc: dict) -> bool:
    return nc["office"] == staff.office_id and staff.role in VERIFIERS


INBOX_PARTS = ("open", "rectified")  # the working parts of the inbox; "closed" is its history


def _inbox_where(staff: CurrentStaff, department: str | None, office_id: int | None) -> tuple[Any, str | None]:
    """The office (and department) an inbox lists; a dept_head sees only their own department."""
    require(staff, INBOX_ROLES)
    office_id = office_id or staff.office_id
    if office_id != staff.office_id and not staff.sees_all_offices:
        raise Forbidden()
    if staff.role == "dept_head":
        department = staff.department
    where: Any = Nonconformance.office == office_id
    if department:
        where = where & (Nonconformance.department == department)
    return where, department


async def inbox(
    staff: CurrentStaff,
    department: str | None,
    office_id: int | None = None,
    *,
    part: str | None = None,
    cursor: paging.Cursor | None = None,
) -> dict:
    """A department's items (P3), 50 a part: open ones by deadline (the overdue ones, past it, come
    first), then rectified ones awaiting verification; with `part`, that part alone after `cursor`."""
    where, department = _inbox_where(staff, department, office_id)
    tz, day = tz_of(staff), today(staff)
    box: dict[str, Any] = {"department": department, "today": day, "part": part if part in INBOX_PARTS else None}
    for state in INBOX_PARTS:
        rows: list[dict] = []
        more = None
        if box["part"] in (None, state):
            query = Nonconformance.select(*_NC_COLUMNS).where(where & (Nonconformance.state == state))
            query = paging.after(query, Nonconformance.deadline, Nonconformance.id, cursor, newest_first=False)
            rows, more = paging.cut(await query, "deadline")
        box[state] = _mark_overdue(localise(rows, tz, "raised_at", "changed_at"), day)
        box[f"{state}_more"] = more
    counts = await (
        Nonconformance.select(Nonconformance.state, Count(alias="n"))
        .where(where & Nonconformance.state.is_in(list(INBOX_PARTS)))
        .group_by(Nonconformance.state)
    )
    box["counts"] = {state: 0 for state in INBOX_PARTS} | {c["state"]: c["n"] for c in counts}
    return box


async def closed_nonconformances(
    staff: CurrentStaff, department: str | None, office_id: int | None, cursor: paging.Cursor | None
) -> tuple[list[dict], str | None]:
    """The inbox's history: closed items, last closed first, 50 a page after `cursor`."""
    where, _department = _inbox_where(staff, department, office_id)
    query = Nonconformance.select(*_NC_COLUMNS).where(where & (Nonconformance.state == "closed"))
    rows, more = paging.cut(await paging.after(query, Nonconformance.closed_at, Nonconformance.id, cursor), "closed_at")
    return localise(rows, tz_of(staff), "raised_at", "changed_at", "closed_at"), more


async def open_nonconformances(office_id: int, day: date, tz) -> list[dict]:
    """Open and rectified items of an office, overdue first (P4)."""
    rows = (
        await Nonconformance.select(*_NC_COLUMNS)
        .where((Nonconformance.office == office_id) & Nonconformance.state.is_in(["open", "rectified"]))
        .order_by(Nonconformance.deadline)
    )
    rows = _mark_overdue(localise(rows, tz, "raised_at", "changed_at"), day)
    rows.sort(key=lambda r: (not r["overdue"], r["state"] != "open", r["deadline"]))
    return rows

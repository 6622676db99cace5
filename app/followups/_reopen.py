"""F6 + C2 for complaints: a complaint's follow-up that finds a problem reopens the fix with the
complaint's responsible department and its head — an inbox and an alert for that head, like a
nonconformance (P3) — not a repair order in engineering's queue. The head leads the fix (C2) and
reports it fixed (`complaint.reopen_fixed`); the generator then follows it up again (F6), by whoever
recorded "not satisfied", until the resident is satisfied."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

import msgspec

from app.alerts.service import raise_alert
from app.auth.schemas import CurrentStaff
from app.auth.service import active_staff_of_office
from app.errors import RuleViolation
from app.followups.tables import Complaint, ComplaintReopening
from app.i18n import _, lazy
from app.org.departments import DEPARTMENTS
from app.sync import registry
from app.sync.registry import ApplyContext
from app.sync.schemas import Mutation

FIX_WITHIN_DAYS = 3  # F6: the reopened fix has a deadline (the complaint's own answer window, C3)
ON_BEHALF = frozenset({"supervisor", "manager"})
# Who heads a department: its dept_head; engineering's lead; customer service's supervisor.
HEAD_ROLES = {"engineering": ["dept_head", "engineering_lead"], "customer_service": ["dept_head", "supervisor"]}


class ComplaintReopenFixedData(msgspec.Struct, forbid_unknown_fields=True):
    reopening_id: UUID
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class ComplaintReopenFixed(Mutation, tag="complaint.reopen_fixed"):
    """The department's head reports the reopened complaint fixed (F6, C2)."""

    data: ComplaintReopenFixedData


async def heads_of(office_id: int, department: str) -> list[dict]:
    return await active_staff_of_office(office_id, HEAD_ROLES.get(department, ["dept_head"]), department or None)


async def reopen(ctx: ApplyContext, record_id: UUID, task: dict, words: str) -> None:
    """Reopen the complaint of `task` with its department's head, with a deadline, and alert them."""
    office = ctx.staff.office_id
    detail = await Complaint.select(Complaint.department).where(Complaint.request == task["request"]).first()
    department = (detail or {}).get("department") or "customer_service"
    heads = await heads_of(office, department)
    reopening_id = uuid.uuid5(record_id, "complaint-reopening")
    deadline = ctx.received_at + timedelta(days=FIX_WITHIN_DAYS)
    await ComplaintReopening.insert(
        ComplaintReopening(
            id=reopening_id,
            office=office,
            record=record_id,
            task=task["id"],
            request=task["request"],
            department=department,
            heads=[h["id"] for h in heads],
            words=words,
            deadline=deadline,
            created_at=ctx.received_at,
        )
    )
    label = str(DEPARTMENTS.get(department, department))
    await raise_alert(
        office_id=office,
        kind="complaint_reopened",
        title=_("Complaint reopened for %(department)s: %(words)s", department=label, words=words[:60]),
        body=_("The resident is still not satisfied. Lead the fix by %(deadline)s.", deadline=_local(deadline, ctx)),
        url=f"/complaints/{task['request']}",
        recipients=[h["id"] for h in heads],
        roles=[] if heads else ["supervisor"],
        raised_by=ctx.staff.id,
        source=f"complaint_reopening:{reopening_id}",
        now=ctx.received_at,
    )


def _local(moment: datetime, ctx: ApplyContext) -> str:
    return moment.astimezone(ctx.staff.tz).strftime("%m-%d %H:%M")


async def apply_fixed(ctx: ApplyContext, m: ComplaintReopenFixed) -> None:
    staff = ctx.staff
    row = (
        await ComplaintReopening.select()
        .where((ComplaintReopening.id == m.data.reopening_id) & (ComplaintReopening.office == staff.office_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise RuleViolation("reopening_not_found", _("This reopened complaint is not on the server."))
    if staff.id not in row["heads"] and staff.role not in ON_BEHALF:
        raise RuleViolation("not_head", _("Only the department's head (or a supervisor) reports this fixed."))
    if row["state"] != "open":
        raise RuleViolation("already_fixed", _("This was already reported fixed."))
    await ComplaintReopening.update(
        {
            ComplaintReopening.state: "fixed",
            ComplaintReopening.fixed_at: ctx.received_at,
            ComplaintReopening.fixed_by: staff.id,
            ComplaintReopening.fix_note: m.data.note.strip(),
        }
    ).where(ComplaintReopening.id == row["id"])


async def fixed_for_followup(office_id: int, since: datetime) -> list[dict]:
    """F6: reopened complaints reported fixed, with who recorded "not satisfied" (they follow up)."""
    return await ComplaintReopening.select(
        ComplaintReopening.id,
        ComplaintReopening.request,
        ComplaintReopening.fixed_at,
        ComplaintReopening.record.staff.as_alias("recorded_by"),
    ).where(
        (ComplaintReopening.office == office_id)
        & (ComplaintReopening.state == "fixed")
        & (ComplaintReopening.fixed_at >= since)
    )


async def inbox(staff: CurrentStaff, request_id: UUID | None = None) -> list[dict]:
    """Open reopened complaints for this head (all of the office for a supervisor or manager)."""
    query = ComplaintReopening.select(
        ComplaintReopening.id,
        ComplaintReopening.request,
        ComplaintReopening.department,
        ComplaintReopening.heads,
        ComplaintReopening.words,
        ComplaintReopening.deadline,
        ComplaintReopening.state,
        ComplaintReopening.fix_note,
        ComplaintReopening.request.description.as_alias("description"),
    ).where(ComplaintReopening.office == staff.office_id)
    if request_id is not None:
        query = query.where(ComplaintReopening.request == request_id)
    else:
        query = query.where(ComplaintReopening.state == "open")
    rows = await query.order_by(ComplaintReopening.deadline).output(load_json=True)
    mine = [r for r in rows if staff.role in ON_BEHALF or staff.id in r["heads"]]
    for r in mine:
        r["department_label"] = DEPARTMENTS.get(r["department"], r["department"])
        r["can_fix"] = r["state"] == "open"
    return mine if request_id is None else rows


MUTATIONS = (registry.MutationKind(ComplaintReopenFixed, apply_fixed, label=lazy("Reopened complaint fixed")),)

"""Complaints (SPEC C1–C5): classified, sent to a department, visited with its head, answered within
3 days (C3) — with a countdown on every list and alerts to the owner and the supervisor when the
answer is about to lapse and when it has lapsed. The first responder owns it throughout (C4).

A complaint is taken at the desk like any request (app.work `request.create`, kind "complaint");
its taker is its owner. What app.work does not keep (classification, visit, answer) is a
`Complaint` row here, keyed by the request.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, tzinfo
from typing import Any
from uuid import UUID

import msgspec
from piccolo.columns import Column

from app.alerts.kinds import KINDS, RECIPIENTS, Kind, LadderStep
from app.alerts.service import raise_alert
from app.auth.schemas import CurrentStaff
from app.errors import Forbidden, RuleViolation, check_found
from app.followups._common import CLASSIFICATIONS, READERS, SEVERITIES, office_ids, utc
from app.followups.schemas import ComplaintAnswer, ComplaintClassify, ComplaintVisit
from app.followups.tables import Complaint
from app.i18n import _, lazy
from app.org.departments import DEPARTMENTS
from app.org.service import office_ids_visible_to
from app.sync import registry
from app.sync.registry import ApplyContext
from app.work import service as work
from app.work.schemas import RequestClose, RequestCloseData

ANSWER_WITHIN = timedelta(days=3)  # C3
WARN_BEFORE = timedelta(hours=12)  # "about to lapse"
ON_BEHALF = frozenset({"supervisor", "manager"})

# NOTE: the two alert kinds of C3 and the one of a major complaint. app.alerts lists its kinds in
# app/alerts/kinds.py; these are added here (before any settings are read) until the lead moves them there.
# Not configurable on the settings page yet: its form (and its tests) list the kinds of app.alerts.
KINDS.setdefault(
    "complaint_due",
    Kind(
        label=lazy("Complaint answer due soon"),
        needs_ack=False,
        channels=("push", "inapp"),
        ladder=(LadderStep(RECIPIENTS, 0),),
        configurable=False,
    ),
)
KINDS.setdefault(
    "complaint_lapsed",
    Kind(
        label=lazy("Complaint not answered in 3 days"),
        needs_ack=True,
        channels=("push", "inapp", "webhook"),
        ladder=(LadderStep(RECIPIENTS, 60), LadderStep("manager", 60)),
        configurable=False,
    ),
)
KINDS.setdefault(
    "complaint_major",
    Kind(
        label=lazy("Major complaint"),
        needs_ack=True,
        channels=("push", "inapp"),
        ladder=(LadderStep("supervisor", 30), LadderStep("manager", 30)),
        configurable=False,
    ),
)


async def _complaint_for_change(ctx: ApplyContext, request_id: UUID) -> dict:
    staff = ctx.staff
    if staff.role not in work.INTAKE_ROLES:
        raise RuleViolation("forbidden", _("Your role does not handle complaints."))
    found = await work.complaint_requests([staff.office_id], ids=[request_id])
    row: dict = msgspec.structs.asdict(found[0]) if found else {}
    if not row:
        raise RuleViolation("complaint_not_found", _("This complaint is not on the server (or not in your office)."))
    if row["owner"] != staff.id and staff.role not in ON_BEHALF:
        raise RuleViolation("not_owner", _("Only its first responder (or a supervisor) handles this complaint."))
    if row["state"] == "closed":
        raise RuleViolation("closed", _("This complaint is closed."))
    detail = await Complaint.select().where(Complaint.request == request_id).first()
    if detail is None:
        await Complaint.insert(Complaint(office=staff.office_id, request=request_id, changed_at=ctx.received_at))
        detail = await Complaint.select().where(Complaint.request == request_id).first()
    row["detail"] = detail
    return row


async def apply_classify(ctx: ApplyContext, m: ComplaintClassify) -> None:
    """`complaint.classify` (C1, C2, C3): valid or communicative, the department; major → supervisor."""
    data = m.data
    row = await _complaint_for_change(ctx, data.request_id)
    await Complaint.update(
        {
            Complaint.classification: data.classification,
            Complaint.department: data.department,
            Complaint.severity: data.severity,
            Complaint.changed_at: ctx.received_at,
        }
    ).where(Complaint.request == data.request_id)
    if data.severity == "major":
        await raise_alert(
            office_id=ctx.staff.office_id,
            kind="complaint_major",
            title=row["description"][:60],
            body=str(CLASSIFICATIONS[data.classification]),
            url=f"/complaints/{data.request_id}",
            raised_by=ctx.staff.id,
            source=f"complaint_major:{data.request_id}",
            now=ctx.received_at,
        )


async def apply_visit(ctx: ApplyContext, m: ComplaintVisit) -> None:
    """`complaint.visit` (C2): the site visit with the department head."""
    data = m.data
    await _complaint_for_change(ctx, data.request_id)
    try:
        visited = datetime.fromisoformat(data.visited_at).replace(tzinfo=ctx.staff.tz)
    except ValueError as exc:
        raise RuleViolation("bad_time", _("Enter a valid date and time."), field="visited_at") from exc
    head = data.head_name.strip()
    if not head:
        raise RuleViolation("head_required", _("Name the department head who came."), field="head_name")
    await Complaint.update(
        {
            Complaint.visited_at: visited,
            Complaint.visit_head: head,
            Complaint.visit_note: data.note.strip(),
            Complaint.changed_at: ctx.received_at,
        }
    ).where(Complaint.request == data.request_id)


async def apply_answer(ctx: ApplyContext, m: ComplaintAnswer) -> None:
    """`complaint.answer` (C3): the answer the resident got; a minor complaint may be closed at once,
    a major one only by the supervisor or manager."""
    data, staff = m.data, ctx.staff
    row = await _complaint_for_change(ctx, data.request_id)
    answer = data.answer.strip()
    if not answer:
        raise RuleViolation("answer_required", _("Write the answer given to the resident."), field="answer")
    if data.close and row["detail"]["severity"] == "major" and staff.role not in ON_BEHALF:
        raise RuleViolation("major_to_supervisor", _("A major complaint is closed by the supervisor."), field="close")
    at = min(utc(m.recorded_at), ctx.received_at)
    values: dict[Column | str, Any] = {
        Complaint.answer: answer,
        Complaint.answered_by: staff.id,
        Complaint.changed_at: ctx.received_at,
    }
    if row["detail"]["answered_at"] is None:
        values[Complaint.answered_at] = at
    await Complaint.update(values).where(Complaint.request == data.request_id)
    if data.close:
        close = RequestClose(
            id=uuid.uuid5(m.id, "close"),
            recorded_at=m.recorded_at,
            data=RequestCloseData(request_id=data.request_id, note=answer),
        )
        await registry.apply_fn("request.close")(ctx, close)


MUTATIONS = (
    registry.MutationKind(ComplaintClassify, apply_classify, label=lazy("Complaint classified")),
    registry.MutationKind(ComplaintVisit, apply_visit, label=lazy("Complaint site visit")),
    registry.MutationKind(ComplaintAnswer, apply_answer, label=lazy("Complaint answered")),
)


# --- deadlines (C3) --------------------------------------------------------------------------------


async def check_deadlines(office_id: int, now: datetime) -> list[UUID]:
    """C3: alert the owner and the supervisor when an unanswered complaint is within 12 hours of its
    3-day limit, and again when it has lapsed. Idempotent: one alert per complaint and stage."""
    now = utc(now)
    rows = [
        msgspec.structs.asdict(r)
        for r in await work.complaint_requests(
            [office_id], state="open", recorded_before=now - (ANSWER_WITHIN - WARN_BEFORE)
        )
    ]
    if not rows:
        return []
    answered = {
        r["request"]
        for r in await Complaint.select(Complaint.request).where(
            Complaint.request.is_in([r["id"] for r in rows]) & Complaint.answered_at.is_not_null()
        )
    }
    raised = []
    for row in rows:
        if row["id"] in answered:
            continue
        due = utc(row["recorded_at"]) + ANSWER_WITHIN
        kind = "complaint_lapsed" if now >= due else "complaint_due"
        title = (
            _("Complaint not answered in 3 days: %(what)s", what=row["description"][:40])
            if kind == "complaint_lapsed"
            else _("Complaint answer due soon: %(what)s", what=row["description"][:40])
        )
        raised.append(
            await raise_alert(
                office_id=office_id,
                kind=kind,
                title=title,
                url=f"/complaints/{row['id']}",
                recipients=[row["owner"]],
                roles=["supervisor"],
                source=f"{kind}:{row['id']}",
                now=now,
            )
        )
    return raised


# --- reading ---------------------------------------------------------------------------------------

COMPLAINT_VIEWS = ("open", "lapsed", "closed", "all")


def _decorate(row: dict, detail: dict | None, now: datetime, tz: tzinfo) -> dict:
    detail = detail or {}
    row["detail"] = detail
    row["due_at"] = utc(row["recorded_at"]) + ANSWER_WITHIN
    row["answered"] = bool(detail.get("answered_at"))
    left = row["due_at"] - now
    row["hours_left"] = int(left.total_seconds() / 3600)  # whole hours, toward zero: 2 h 10 min over is 2
    row["lapsed"] = not row["answered"] and row["state"] != "closed" and left.total_seconds() < 0
    row["due_soon"] = not row["answered"] and row["state"] != "closed" and not row["lapsed"] and left <= WARN_BEFORE
    row["classification_label"] = CLASSIFICATIONS.get(detail.get("classification", ""), "")
    row["department_label"] = DEPARTMENTS.get(detail.get("department", ""), "")
    row["severity_label"] = SEVERITIES.get(detail.get("severity", "minor"), "")
    row["recorded_local"] = utc(row["recorded_at"]).astimezone(tz)
    return row


async def list_complaints(
    staff: CurrentStaff,
    view: str,
    now: datetime,
    *,
    office: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    classification: str = "",
    building: str = "",
) -> list[dict]:
    """Complaints with their countdown to the 3-day answer (C3); filters back the figures' links."""
    if staff.role not in READERS:
        raise Forbidden()
    state = "open" if view in ("open", "lapsed") else "closed" if view == "closed" else ""
    bounded = since is not None and until is not None
    found = await work.complaint_requests(
        office_ids(staff, office),
        state=state,
        since=since if bounded else None,
        until=until if bounded else None,
        building=building,
        limit=500,
    )
    rows = [msgspec.structs.asdict(r) for r in found]
    details = {
        d["request"]: d
        for d in await Complaint.select().where(Complaint.request.is_in([r["id"] for r in rows] or [uuid.uuid4()]))
    }
    tz = staff.tz
    result = [_decorate(r, details.get(r["id"]), now, tz) for r in rows]
    if classification:
        result = [r for r in result if (r["detail"].get("classification") or "unclassified") == classification]
    if view == "lapsed":
        result = [r for r in result if r["lapsed"]]
    if view == "open":  # the most urgent first
        result.sort(key=lambda r: (r["answered"], r["due_at"]))
    return result


async def get_complaint(staff: CurrentStaff, request_id: UUID, now: datetime) -> dict:
    if staff.role not in READERS:
        raise Forbidden()
    found = await work.complaint_requests(office_ids_visible_to(staff), ids=[request_id])
    row = msgspec.structs.asdict(check_found(found[0] if found else None))
    detail = (
        await Complaint.select(
            *Complaint.all_columns(), Complaint.answered_by.display_name.as_alias("answered_by_name")
        )
        .where(Complaint.request == request_id)
        .first()
    )
    row = _decorate(row, detail, now, staff.tz)
    row["can_handle"] = (
        row["office"] == staff.office_id
        and row["state"] != "closed"
        and staff.role in work.INTAKE_ROLES
        and (row["owner"] == staff.id or staff.role in ON_BEHALF)
    )
    row["can_close"] = row["can_handle"] and (row["detail"].get("severity") != "major" or staff.role in ON_BEHALF)
    return row


async def countdowns(staff: CurrentStaff, request_ids: list[UUID], now: datetime) -> dict[UUID, dict]:
    """C3: the 3-day countdowns (by `_decorate`) of the complaints among these requests, for a list of
    another module — app.work's requests — so the rule is computed here only."""
    if not request_ids or staff.role not in work.READERS:
        return {}
    found = await work.complaint_requests(office_ids_visible_to(staff), ids=list(request_ids))
    rows = [msgspec.structs.asdict(r) for r in found]
    details = (
        {d["request"]: d for d in await Complaint.select().where(Complaint.request.is_in([r["id"] for r in rows]))}
        if rows
        else {}
    )
    tz = staff.tz
    return {r["id"]: _decorate(r, details.get(r["id"]), now, tz) for r in rows}


async def home_sections(staff: CurrentStaff, now: datetime) -> list[dict]:
    """C3, C4: complaints this person owns (the supervisor: every open one), most urgent first."""
    rows = await list_complaints(staff, "open", now)
    if staff.role not in ON_BEHALF:
        rows = [r for r in rows if r["owner"] == staff.id]
    rows = [r for r in rows if not r["answered"]]
    if not rows:
        return []
    return [
        {
            "title": _("Complaints to answer (3 days)"),
            "href": "/complaints",
            "items": [
                {
                    "text": r["description"][:40],
                    "meta": _("%(h)s h left", h=r["hours_left"]) if not r["lapsed"] else _("Lapsed"),
                    "flag": "overdue" if r["lapsed"] else ("warn" if r["due_soon"] else ""),
                }
                for r in rows[:5]
            ],
            "empty": "",
        }
    ]

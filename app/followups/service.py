"""Recording follow-ups (`followup.record`, F1–F6) and reading the follow-up lists.

A follow-up is a fact (a call was made, a resident was visited): records are append-only and never
conflict. The first record that reaches the resident closes the task. Not satisfied (F6) reopens
rectification in app.work — a new repair request and its work order, due by the category's standard
time — and when that order is done the generator makes a new follow-up (rule F6), until satisfied.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from uuid import UUID

from app import paging
from app.auth.schemas import CurrentStaff
from app.errors import Forbidden, RuleViolation, check_found
from app.followups import _reopen, _visits
from app.followups import complaints as _complaints
from app.followups._common import (
    CLASSIFICATIONS,
    FIGURE_READERS,
    FOLLOWUP_ROLES,
    METHODS,
    READERS,
    RECORD_ON_BEHALF,
    RULES,
    figure_offices,
    month_bounds,
    month_of,
    scope,
    utc,
)
from app.followups._figure_reads import (  # re-exported: the figures' reads (app.reports)
    complaint_details,
    orders_followed,
    overdue_task_count,
    rated_task_states,
    satisfaction_answers,
    tasks_made,
)
from app.followups._figure_reads import satisfaction_records as satisfaction_record_rows
from app.followups._leaks import _leak_section, leak_orders, missing_leak_tests, record_leak_test
from app.followups._task_lists import _TASK_COLUMNS, decorate, list_tasks, page_of_tasks, tasks_newest_first
from app.followups._visits import aspect_counts
from app.followups.rules import generate_followups, verify_draw
from app.followups.schemas import FollowupRecordMutation
from app.followups.tables import FollowupDraw, FollowupRecord, FollowupTask, Rectification
from app.i18n import _, lazy
from app.sync import registry
from app.sync.registry import ApplyContext
from app.work import service as work
from app.work.schemas import RequestCreate, RequestCreateData, WorkOrderIssue, WorkOrderIssueData

__all__ = ["generate_followups", "verify_draw"]
TASK_VIEWS = ("mine", "open", "overdue", "done")


async def _task_for_record(ctx: ApplyContext, task_id: UUID) -> dict:
    row = (
        await FollowupTask.select(
            FollowupTask.id,
            FollowupTask.rule,
            FollowupTask.state,
            FollowupTask.request,
            FollowupTask.work_order,
            FollowupTask.assignee,
            FollowupTask.assignee_role,
        )
        .where((FollowupTask.id == task_id) & (FollowupTask.office == ctx.staff.office_id))
        .first()
    )
    if row is None:
        raise RuleViolation("task_not_found", _("This follow-up is not on the server (or not in your office)."))
    return row


async def _rectify(ctx: ApplyContext, m: FollowupRecordMutation, task: dict, words: str) -> None:
    """F6: a linked work order with a deadline, through app.work's own mutations (its rules apply)."""
    origin = await work.request_origin(task["request"])
    assert origin is not None
    assignee = None
    if task["work_order"] is not None:
        order = await work.order_brief(task["work_order"])
        assignee = order.assignee if order else None
    category = origin.category if origin.category in work.CATEGORIES else "other"
    # Deterministic ids: the same follow-up record always makes the same rectification.
    request_id = uuid.uuid5(m.id, "rectification-request")
    order_id = uuid.uuid5(m.id, "rectification-order")
    description = _("Rectification after a follow-up (not satisfied): %(words)s", words=words)[:4000]
    create = RequestCreate(
        id=request_id,
        recorded_at=m.recorded_at,
        data=RequestCreateData(
            channel="phone",
            kind="repair",
            category=category,
            unit_id=origin.unit,
            location=origin.location or ("" if origin.unit else _("See the original record")),
            resident_name=origin.resident_name,
            resident_phone=origin.resident_phone,
            description=description,
        ),
    )
    await registry.apply_fn("request.create")(ctx, create)
    issue = WorkOrderIssue(
        id=order_id,
        recorded_at=m.recorded_at,
        data=WorkOrderIssueData(request_id=request_id, assignee_id=assignee, note=words[:2000]),
    )
    try:
        await registry.apply_fn("work_order.issue")(ctx, issue)
    except RuleViolation as exc:
        if exc.code != "bad_assignee":
            raise
        # The technician of the first order has left: the order goes to the engineering lead's queue.
        issue.data.assignee_id = None
        await registry.apply_fn("work_order.issue")(ctx, issue)
    due = await work.order_brief(order_id)
    assert due is not None
    await Rectification.insert(
        Rectification(
            office=ctx.staff.office_id,
            record=m.id,
            task=task["id"],
            origin_request=task["request"],
            request=request_id,
            work_order=order_id,
            deadline=due.due_at,
            created_at=ctx.received_at,
        )
    )


def may_record(staff: CurrentStaff, task: dict) -> bool:
    """C4: a personal task (F1, F2, F6: `assignee_role` "") only by its assignee; a role's task
    (F3, F4, F4S, F5) by anyone of the role; a supervisor or manager on anyone's behalf."""
    return staff.role in RECORD_ON_BEHALF or task["assignee"] == staff.id or task["assignee_role"] == staff.role


async def apply_record(ctx: ApplyContext, m: FollowupRecordMutation) -> None:
    """`followup.record` (F1–F6): validate, store the attempt; reached closes the task; not
    satisfied reopens rectification (F6)."""
    staff, data = ctx.staff, m.data
    if staff.role not in FOLLOWUP_ROLES:
        raise RuleViolation("forbidden", _("Your role does not make follow-ups."))
    task = await _task_for_record(ctx, data.task_id)
    if not may_record(staff, task):
        raise RuleViolation("not_assignee", _("This follow-up is assigned to someone else."))
    words = " ".join(data.words.split()) if data.words else ""
    reached = bool(data.reached)
    if reached and data.satisfied is None:
        raise RuleViolation("satisfied_required", _("Say whether the resident is satisfied."), field="satisfied")
    satisfied = bool(data.satisfied) if reached else None
    if satisfied is False and not words:
        raise RuleViolation("words_required", _("Write what the resident is not satisfied with."), field="words")
    aspects = _visits.aspects_of(task["rule"], data, reached)  # F5: the four services too
    recorded_at = utc(m.recorded_at)
    if recorded_at - ctx.received_at > timedelta(minutes=5):  # a phone clock in the future
        recorded_at = ctx.received_at
    await FollowupRecord.insert(
        FollowupRecord(
            id=m.id,
            office=staff.office_id,
            task=task["id"],
            method=data.method,
            reached=reached,
            satisfied=satisfied,
            words=words,
            aspects=aspects,
            staff=staff.id,
            device_id=ctx.device_id,
            recorded_at=recorded_at,
            received_at=ctx.received_at,
        )
    )
    # A fact recorded after another one closed the task is kept, and changes nothing (append-only).
    if not reached or task["state"] == "done":
        return
    await FollowupTask.update(
        {FollowupTask.state: "done", FollowupTask.done_at: recorded_at, FollowupTask.satisfied: satisfied}
    ).where(FollowupTask.id == task["id"])
    if satisfied is False:
        origin = await work.request_origin(task["request"])
        if origin is not None and origin.kind == "complaint":  # F6 + C2: back to the department's head
            await _reopen.reopen(ctx, m.id, task, words)
        else:
            await _rectify(ctx, m, task, words)


__all__ = [
    "CLASSIFICATIONS",
    "FIGURE_READERS",
    "METHODS",
    "RULES",
    "aspect_counts",
    "complaint_details",
    "figure_offices",
    "leak_orders",
    "list_tasks",
    "missing_leak_tests",
    "month_bounds",
    "month_of",
    "orders_followed",
    "overdue_task_count",
    "page_of_tasks",
    "rated_task_states",
    "record_leak_test",
    "satisfaction_answers",
    "satisfaction_record_rows",
    "tasks_made",
    "tasks_newest_first",
]

MUTATIONS = (registry.MutationKind(FollowupRecordMutation, apply_record, label=lazy("Follow-up recorded")),)


# --- reading ---------------------------------------------------------------------------------------


async def get_task(staff: CurrentStaff, task_id: UUID, now: datetime) -> dict:
    """A task with its records, its rectifications and the draw it came from."""
    if staff.role not in READERS:
        raise Forbidden()
    query = FollowupTask.select(*_TASK_COLUMNS).where(FollowupTask.id == task_id)
    if (cond := scope(staff, FollowupTask.office)) is not None:
        query = query.where(cond)
    task = decorate(check_found(await query.first()), now)
    task["records"] = await (
        FollowupRecord.select(
            FollowupRecord.id,
            FollowupRecord.method,
            FollowupRecord.reached,
            FollowupRecord.satisfied,
            FollowupRecord.words,
            FollowupRecord.recorded_at,
            FollowupRecord.received_at,
            FollowupRecord.staff.display_name.as_alias("staff_name"),
        )
        .where(FollowupRecord.task == task_id)
        .order_by(FollowupRecord.recorded_at)
    )
    task["rectifications"] = await (
        Rectification.select(
            Rectification.work_order,
            Rectification.deadline,
            Rectification.work_order.seq.as_alias("seq"),
            Rectification.work_order.state.as_alias("order_state"),
        )
        .where(Rectification.task == task_id)
        .order_by(Rectification.created_at)
    )
    task["can_record"] = task["office"] == staff.office_id and staff.role in FOLLOWUP_ROLES and may_record(staff, task)
    return task


async def list_draws(
    staff: CurrentStaff, office: int | None = None, cursor: paging.Cursor | None = None
) -> tuple[list[dict], str | None]:
    """The sampling draws (F3–F5), latest first, 50 a page after `cursor`, each checked by redoing it
    from its seed (audit); with the cursor of the next page (None: the last)."""
    if staff.role not in READERS:
        raise Forbidden()
    query = FollowupDraw.select()
    if (cond := scope(staff, FollowupDraw.office, office)) is not None:
        query = query.where(cond)
    query = paging.after(query, FollowupDraw.drawn_at, FollowupDraw.id, cursor)
    rows, more = paging.cut(await query.output(load_json=True), "drawn_at")
    for row in rows:
        row["verified"] = verify_draw(row)
        row["rule_label"] = RULES.get(row["rule"], row["rule"])
    return rows, more


async def home_sections(staff: CurrentStaff, now: datetime) -> list[dict]:
    """My follow-ups (open, overdue first), my leak repairs waiting for a leak test date (F2) and
    complaints close to their 3-day limit (C3)."""
    if staff.role not in FOLLOWUP_ROLES:
        return []
    tasks = await list_tasks(staff, "mine", now)
    sections = [
        {
            "title": _("My follow-ups"),
            "href": "/followups",
            "items": [
                {
                    "text": f"{t['rule_label']} · {t['unit_number'] or t['location'] or ''} {t['description'][:30]}",
                    "meta": utc(t["due_at"]).astimezone(_tz(staff)).strftime("%m-%d"),
                    "flag": "overdue" if t["overdue"] else "",
                }
                for t in tasks[:5]
            ],
            "empty": _("No follow-ups to make."),
        }
    ]
    sections.extend(_leak_section(await missing_leak_tests(staff, now, mine=True), staff))
    sections.extend(await _complaints.home_sections(staff, now))
    return sections


def _tz(staff: CurrentStaff):
    return staff.tz

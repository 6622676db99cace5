"""Lists of follow-up tasks (F1–F6): the home page's first ones, and /followups page by page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app import paging
from app.auth.schemas import CurrentStaff
from app.errors import Forbidden
from app.followups._common import READERS, RULES, scope, utc
from app.followups._figure_reads import due_or_done
from app.followups.tables import FollowupTask

LIST_LIMIT = 200  # the home page's read (it shows the first few)

_TASK_COLUMNS = (
    FollowupTask.id,
    FollowupTask.office,
    FollowupTask.rule,
    FollowupTask.request,
    FollowupTask.work_order,
    FollowupTask.assignee,
    FollowupTask.assignee_role,
    FollowupTask.assignee.display_name.as_alias("assignee_name"),
    FollowupTask.due_at,
    FollowupTask.created_at,
    FollowupTask.state,
    FollowupTask.done_at,
    FollowupTask.satisfied,
    FollowupTask.draw,
    FollowupTask.request.kind.as_alias("kind"),
    FollowupTask.request.description.as_alias("description"),
    FollowupTask.request.resident_name.as_alias("resident_name"),
    FollowupTask.request.resident_phone.as_alias("resident_phone"),
    FollowupTask.request.location.as_alias("location"),
    FollowupTask.request.unit.number.as_alias("unit_number"),  # type: ignore[union-attr]
    FollowupTask.work_order.seq.as_alias("order_seq"),
    FollowupTask.work_order.category.as_alias("category"),
    FollowupTask.work_order.completed_at.as_alias("completed_at"),
)


def decorate(task: dict, now: datetime) -> dict:
    due = utc(task["due_at"])
    task["rule_label"] = RULES.get(task["rule"], task["rule"])
    task["overdue"] = task["state"] == "open" and due < now
    task["hours_left"] = int((due - now).total_seconds() / 3600)  # whole hours, toward zero
    return task


def _tasks_query(
    staff: CurrentStaff,
    view: str,
    now: datetime,
    office: int | None,
    since: datetime | None,
    until: datetime | None,
    rule: str,
) -> Any:
    if staff.role not in READERS:
        raise Forbidden()
    query = FollowupTask.select(*_TASK_COLUMNS)
    if (cond := scope(staff, FollowupTask.office, office)) is not None:
        query = query.where(cond)
    if view == "mine":  # personal tasks have assignee_role "", which is nobody's role (C4)
        query = query.where(
            (FollowupTask.state == "open")
            & ((FollowupTask.assignee == staff.id) | (FollowupTask.assignee_role == staff.role))
        )
    elif view == "overdue":
        query = query.where((FollowupTask.state == "open") & (FollowupTask.due_at < now))
    elif view == "done":
        query = query.where(FollowupTask.state == "done")
    elif view == "unsatisfied":
        query = query.where(FollowupTask.satisfied.eq(False))
    elif view == "rated":
        query = query.where(due_or_done(now))
    elif view != "all":
        query = query.where(FollowupTask.state == "open")
    if since is not None and until is not None:
        query = query.where((FollowupTask.created_at >= since) & (FollowupTask.created_at < until))
    if rule in RULES:
        query = query.where(FollowupTask.rule == rule)
    return query


def tasks_newest_first(view: str) -> bool:
    """Lists of past follow-ups read back in time (latest due first); open ones soonest due first."""
    return view in ("done", "all", "unsatisfied", "rated")


async def list_tasks(
    staff: CurrentStaff,
    view: str,
    now: datetime,
    *,
    office: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    rule: str = "",
) -> list[dict]:
    """Follow-up tasks: mine (assigned to me, or to my role: F3–F5), open, overdue, done, rated (what
    the follow-up rate counts, K1); optionally those made in a period. The first LIST_LIMIT (home page)."""
    query = _tasks_query(staff, view, now, office, since, until, rule)
    rows = await query.order_by(FollowupTask.due_at, ascending=not tasks_newest_first(view)).limit(LIST_LIMIT)
    return [decorate(r, now) for r in rows]


async def page_of_tasks(
    staff: CurrentStaff,
    view: str,
    now: datetime,
    cursor: paging.Cursor | None,
    *,
    office: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    rule: str = "",
) -> tuple[list[dict], str | None]:
    """A page of `list_tasks`' list by due time, then id, after `cursor`; with the next page's cursor."""
    query = _tasks_query(staff, view, now, office, since, until, rule)
    query = paging.after(query, FollowupTask.due_at, FollowupTask.id, cursor, newest_first=tasks_newest_first(view))
    rows, more = paging.cut(await query, "due_at")
    return [decorate(r, now) for r in rows], more

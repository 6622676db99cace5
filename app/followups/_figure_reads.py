"""What the figures (app.reports: K1, F7, C5) read of follow-ups and complaints, by the same
conditions the rules use. Office scopes are lists of office ids, or None for every office."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from app.followups._common import in_offices as _in
from app.followups.tables import Complaint, FollowupRecord, FollowupTask


def due_or_done(now: datetime) -> Any:
    """K1: the tasks the follow-up rate counts — done, or past their due time at `now`; one not due
    yet is not missed. The rate and its link (view "rated") both use this."""
    return (FollowupTask.state == "done") | (FollowupTask.due_at < now)


def _answered(offices: list[int] | None, since: datetime, until: datetime) -> Any:
    """The records satisfaction counts: reached, with an answer, recorded in the period (K1)."""
    return (
        _in(FollowupRecord.office, offices)
        & FollowupRecord.reached.eq(True)
        & FollowupRecord.satisfied.is_not_null()
        & (FollowupRecord.recorded_at >= since)
        & (FollowupRecord.recorded_at < until)
    )


async def rated_task_states(offices: list[int] | None, since: datetime, until: datetime, now: datetime) -> list[str]:
    """The states of the tasks made in the period that the follow-up rate counts."""
    rows = await FollowupTask.select(FollowupTask.state).where(
        _in(FollowupTask.office, offices)
        & (FollowupTask.created_at >= since)
        & (FollowupTask.created_at < until)
        & due_or_done(now)
    )
    return [r["state"] for r in rows]


async def orders_followed(order_ids: list[UUID]) -> set[UUID]:
    """F2/K1: which of these work orders have their own follow-up task (F2, or F6 for a rectification)."""
    if not order_ids:
        return set()
    rows = await FollowupTask.select(FollowupTask.work_order).where(
        FollowupTask.work_order.is_in(order_ids) & FollowupTask.rule.is_in(["F2", "F6"])
    )
    return {r["work_order"] for r in rows}


async def satisfaction_answers(offices: list[int] | None, since: datetime, until: datetime) -> list[bool]:
    rows = await FollowupRecord.select(FollowupRecord.satisfied).where(_answered(offices, since, until))
    return [bool(r["satisfied"]) for r in rows]


async def satisfaction_records(offices: list[int] | None, since: datetime, until: datetime) -> list[dict]:
    """The records behind the satisfaction figure, by the same condition (its link)."""
    return await (
        FollowupRecord.select(
            FollowupRecord.id,
            FollowupRecord.task,
            FollowupRecord.satisfied,
            FollowupRecord.words,
            FollowupRecord.recorded_at,
            FollowupRecord.staff.display_name.as_alias("staff_name"),
            FollowupRecord.office.name.as_alias("office_name"),
            FollowupRecord.task.rule.as_alias("rule"),
            FollowupRecord.task.request.description.as_alias("description"),  # type: ignore[union-attr]
            FollowupRecord.task.request.unit.number.as_alias("unit_number"),  # type: ignore[union-attr]
        )
        .where(_answered(offices, since, until))
        .order_by(FollowupRecord.recorded_at)
    )


async def overdue_task_count(offices: list[int] | None, now: datetime) -> int:
    return await FollowupTask.count().where(
        _in(FollowupTask.office, offices) & (FollowupTask.state == "open") & (FollowupTask.due_at < now)
    )


async def complaint_details(request_ids: list[UUID]) -> dict[UUID, dict]:
    """The complaint records (classification, answer, …) of these requests, by request id."""
    if not request_ids:
        return {}
    return {d["request"]: d for d in await Complaint.select().where(Complaint.request.is_in(request_ids))}


async def tasks_made(offices: list[int] | None, since: datetime, until: datetime) -> list[dict]:
    """The follow-ups made in the period (F7 summary and the CSV export)."""
    ft = FollowupTask
    return await ft.select(
        ft.office.name.as_alias("office"),
        ft.rule,
        ft.request.description.as_alias("description"),
        ft.request.unit.number.as_alias("unit"),  # type: ignore[union-attr]
        ft.work_order.seq.as_alias("seq"),
        ft.assignee.display_name.as_alias("assignee"),
        ft.created_at,
        ft.due_at,
        ft.state,
        ft.done_at,
        ft.satisfied,
    ).where(_in(ft.office, offices) & (ft.created_at >= since) & (ft.created_at < until))

"""Notices to residents (SPEC N1): published by the supervisor from a template, printed A4 for the
notice boards and mailboxes, and listed on the office's public page (only what the notices say).
The notice board (宣传栏) is changed every two weeks; its change is recorded and the next one is due
BOARD_DAYS after. Q1: a notice may name the quarter's notice-board topic it serves."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec

from app import paging
from app.auth.schemas import CurrentStaff
from app.clock import aware, local, now, zone
from app.errors import Forbidden, RuleViolation, check_found
from app.followups.consultations import quarter_label, quarterly_summary
from app.i18n import _, lazy
from app.notices.schemas import BoardChanged, BoardStatus, NoticePublish, NoticeView, NoticeWithdraw
from app.notices.tables import Notice, NoticeBoard
from app.org.service import can_see_office, get_office, office_time_zone
from app.sync import registry
from app.sync.registry import ApplyContext

NOTICE_READERS = frozenset({"frontdesk", "duty", "supervisor", "manager", "qa"})  # = app.nav "Notices"
NOTICE_WRITERS = frozenset({"supervisor"})
BOARD_DAYS = 14  # the notice board is changed every two weeks
PUBLIC_LIMIT = 20  # the public page shows the latest notices


def check_reader(staff: CurrentStaff, office_id: int) -> None:
    if staff.role not in NOTICE_READERS or not can_see_office(staff, office_id):
        raise Forbidden()


def _check_writer(ctx: ApplyContext) -> None:
    if ctx.staff.role not in NOTICE_WRITERS:
        raise RuleViolation("forbidden", _("Only the supervisor publishes notices."))


def _dates_checked(starts_on: date | None, ends_on: date | None) -> None:
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not 2000 <= day.year <= 2100:
            raise RuleViolation("out_of_range", _("Enter a date between 2000 and 2100."), field=name)
    if starts_on and ends_on and ends_on < starts_on:
        raise RuleViolation("dates_reversed", _("The end date is before the start date."), field="ends_on")


async def apply_publish(ctx: ApplyContext, m: NoticePublish) -> None:
    """`notice.publish` (N1): the notice's id is the mutation's id; it is public at once."""
    _check_writer(ctx)
    d = m.data
    _dates_checked(d.starts_on, d.ends_on)
    if not d.title.strip() or not d.body.strip():
        field = "title" if not d.title.strip() else "body"
        raise RuleViolation("required", _("This field is required."), field=field)
    await Notice.insert(
        Notice(
            id=m.id,
            office=ctx.staff.office_id,
            kind=d.kind,
            title=d.title.strip(),
            body=d.body.strip(),
            checklist=d.checklist.strip(),
            starts_on=d.starts_on.isoformat() if d.starts_on else "",
            ends_on=d.ends_on.isoformat() if d.ends_on else "",
            hours=d.hours.strip(),
            contact=d.contact.strip(),
            signer=d.signer.strip(),
            topic=d.topic.strip(),
            published_at=ctx.received_at,
            published_by=ctx.staff.id,
        )
    )


async def apply_withdraw(ctx: ApplyContext, m: NoticeWithdraw) -> None:
    """`notice.withdraw`: off the public page; a notice of another office is not found."""
    _check_writer(ctx)
    where = (Notice.id == m.data.notice_id) & (Notice.office == ctx.staff.office_id)
    row = await Notice.select(Notice.withdrawn_at).where(where).first()
    if row is None:
        raise RuleViolation("not_found", _("That notice is not in your office."), field="notice_id")
    if row["withdrawn_at"] is None:
        await Notice.update({Notice.withdrawn_at: ctx.received_at}).where(where)


async def apply_board_changed(ctx: ApplyContext, m: BoardChanged) -> None:
    """`notice_board.changed`: the board was changed now; the next change is due in BOARD_DAYS."""
    _check_writer(ctx)
    await board_token(ctx.staff.office_id)
    await NoticeBoard.update({NoticeBoard.changed_at: ctx.received_at, NoticeBoard.changed_by: ctx.staff.id}).where(
        NoticeBoard.office == ctx.staff.office_id
    )


MUTATIONS = (
    registry.MutationKind(NoticePublish, apply_publish, label=lazy("Notice published")),
    registry.MutationKind(NoticeWithdraw, apply_withdraw, label=lazy("Notice withdrawn")),
    registry.MutationKind(BoardChanged, apply_board_changed, label=lazy("Notice board changed")),
)


# --- reading ---------------------------------------------------------------------------------

_COLUMNS = (
    Notice.id,
    Notice.kind,
    Notice.title,
    Notice.body,
    Notice.checklist,
    Notice.starts_on,
    Notice.ends_on,
    Notice.hours,
    Notice.contact,
    Notice.signer,
    Notice.topic,
    Notice.published_at,
    Notice.withdrawn_at,
)


def _view(row: dict) -> NoticeView:
    return msgspec.convert(row, NoticeView, strict=False)


async def board_token(office_id: int) -> str:
    """The office's public page token (made on first use: 192 random bits)."""
    row = await NoticeBoard.select(NoticeBoard.public_token).where(NoticeBoard.office == office_id).first()
    if row:
        return row["public_token"]
    token = secrets.token_urlsafe(24)
    await NoticeBoard.insert(NoticeBoard(office=office_id, public_token=token))
    return token


async def notices_of_office(staff: CurrentStaff, office_id: int, topic: str = "") -> list[NoticeView]:
    check_reader(staff, office_id)
    query = Notice.select(*_COLUMNS).where(Notice.office == office_id)
    if topic:
        query = query.where(Notice.topic == topic)
    return [_view(r) for r in await query.order_by(Notice.published_at, ascending=False).limit(100)]


async def page_of_notices(
    staff: CurrentStaff, office_id: int, topic: str, cursor: paging.Cursor | None
) -> tuple[list[NoticeView], str | None]:
    """The office's notices (of a topic), newest published first, 50 a page after `cursor` (then by
    id); with the cursor of the next page (None: the last)."""
    check_reader(staff, office_id)
    query = Notice.select(*_COLUMNS).where(Notice.office == office_id)
    if topic:
        query = query.where(Notice.topic == topic)
    rows, more = paging.cut(await paging.after(query, Notice.published_at, Notice.id, cursor), "published_at")
    return [_view(r) for r in rows], more


async def notice_detail(staff: CurrentStaff, office_id: int, notice_id: UUID) -> NoticeView:
    check_reader(staff, office_id)
    row = await Notice.select(*_COLUMNS).where((Notice.id == notice_id) & (Notice.office == office_id)).first()
    return _view(check_found(row))


async def public_board(token: str) -> tuple[str, Any, list[NoticeView]] | None:
    """The public page's content: the estate's name and its published notices — nothing else."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token):
        return None
    board = await NoticeBoard.select(NoticeBoard.office).where(NoticeBoard.public_token == token).first()
    if board is None:
        return None
    office = await get_office(board["office"])
    rows = (
        await Notice.select(*_COLUMNS)
        .where((Notice.office == board["office"]) & Notice.withdrawn_at.is_null())
        .order_by(Notice.published_at, ascending=False)
        .limit(PUBLIC_LIMIT)
    )
    return office["name"], zone(await office_time_zone(board["office"])), [_view(r) for r in rows]


async def board_status(office_id: int, at: datetime | None = None, tz: Any = None) -> BoardStatus:
    """When the board was last changed and when the next change is due (BOARD_DAYS later; due that day)."""
    query = NoticeBoard.select(NoticeBoard.public_token, NoticeBoard.changed_at).where(NoticeBoard.office == office_id)
    row = await query.first()  # one read for both (issue 17's query budget)
    token = row["public_token"] if row else await board_token(office_id)
    changed = aware(row["changed_at"]) if row and row["changed_at"] else None
    at = at or now()
    if changed is None:
        return BoardStatus(changed_at=None, due_on=None, due=True, public_token=token)
    changed_day = local(changed, tz).date() if tz else changed.date()  # type: ignore[union-attr]
    today = local(at, tz).date() if tz else at.date()  # type: ignore[union-attr]
    due_on = changed_day + timedelta(days=BOARD_DAYS)
    return BoardStatus(changed_at=changed, due_on=due_on, due=today >= due_on, public_token=token)


def _previous_quarter(label: str) -> str:
    year, q = int(label[:4]), int(label[-1])
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def split_topics(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[\n,，、;；]", text) if t.strip()][:20]


async def quarter_topics(staff: CurrentStaff) -> tuple[str, list[dict]]:
    """Q1: this quarter's notice-board topics (decided from last quarter's consultation summary), each
    with the notices that named it."""
    label = quarter_label(now(), staff.tz)
    try:
        summary = await quarterly_summary(staff, _previous_quarter(label))
    except Forbidden:
        return label, []
    decisions = summary["decisions"]
    topics = split_topics(decisions[0]["topics"]) if decisions else []
    notices = await notices_of_office(staff, staff.office_id) if topics else []
    return label, [{"topic": t, "notices": [n for n in notices if n.topic == t]} for t in topics]

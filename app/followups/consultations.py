"""Consultations (SPEC Q1): a quick log of questions and answers; a quarterly summary by topic from
which the supervisor chooses next quarter's notice-board topics (recorded)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, tzinfo
from uuid import UUID

from app import paging
from app.auth.schemas import CurrentStaff
from app.errors import Forbidden, RuleViolation
from app.followups._common import FOLLOWUP_ROLES, READERS, TOPICS, day_start, next_quarter_label, quarter_start, utc
from app.followups.schemas import ConsultationLog
from app.followups.tables import Consultation, NoticeTopics
from app.i18n import _, lazy
from app.sync import registry
from app.sync.registry import ApplyContext

TOPIC_DECIDERS = frozenset({"supervisor", "manager"})


async def apply_log(ctx: ApplyContext, m: ConsultationLog) -> None:
    """`consultation.log` (Q1): append-only; the mutation id is the record's id."""
    staff, data = ctx.staff, m.data
    if staff.role not in FOLLOWUP_ROLES:
        raise RuleViolation("forbidden", _("Your role does not log consultations."))
    question = data.question.strip()
    if not question:
        raise RuleViolation("question_required", _("Write the question."), field="question")
    recorded_at = utc(m.recorded_at)
    if recorded_at - ctx.received_at > timedelta(minutes=5):
        recorded_at = ctx.received_at
    await _insert(ctx, m.id, data.topic, question, data.answer.strip(), recorded_at)


MUTATIONS = (registry.MutationKind(ConsultationLog, apply_log, label=lazy("Consultation logged")),)


async def _insert(ctx: ApplyContext, id_: UUID, topic: str, question: str, answer: str, at: datetime) -> None:
    """The one place a consultation is written (Q1), from the log or from intake."""
    await Consultation.insert(
        Consultation(
            id=id_,
            office=ctx.staff.office_id,
            topic=topic,
            question=question,
            answer=answer,
            staff=ctx.staff.id,
            recorded_at=at,
            received_at=ctx.received_at,
        )
    )


async def log_from_intake(
    ctx: ApplyContext, request_id: UUID, kind: str, category: str, text: str, at: datetime
) -> None:
    """Q1: a request of kind "consultation" taken at intake (app.work `request.create`) is logged too,
    in its transaction, so the quarterly summary counts it. Intake has no topic: a repair category
    means a repair question, otherwise "other"."""
    if kind != "consultation":
        return
    topic = "repairs" if category else "other"
    await _insert(ctx, uuid.uuid5(request_id, "consultation"), topic, text, "", utc(at))


def quarter_range(label: str, tz: tzinfo) -> tuple[datetime, datetime]:
    year, q = int(label[:4]), int(label[-1])
    start = quarter_start(year, q)
    end = quarter_start(year + (q == 4), q % 4 + 1)
    return day_start(start, tz), day_start(end, tz)


def quarter_label(now: datetime, tz: tzinfo) -> str:
    local = utc(now).astimezone(tz)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


RECENT_PAGE = 30  # consultations on one page under the form (the number the list always showed)


async def recent(staff: CurrentStaff, cursor: paging.Cursor | None = None) -> tuple[list[dict], str | None]:
    """The office's consultations, latest first, 30 a page after `cursor` (then by id); with the
    cursor of the next page (None: the last)."""
    if staff.role not in READERS:
        raise Forbidden()
    query = Consultation.select(
        Consultation.id,
        Consultation.topic,
        Consultation.question,
        Consultation.answer,
        Consultation.recorded_at,
        Consultation.staff.display_name.as_alias("staff_name"),
    ).where(Consultation.office == staff.office_id)
    query = paging.after(query, Consultation.recorded_at, Consultation.id, cursor, size=RECENT_PAGE)
    rows, more = paging.cut(await query, "recorded_at", size=RECENT_PAGE)
    for row in rows:
        row["topic_label"] = TOPICS.get(row["topic"], row["topic"])
    return rows, more


async def quarterly_summary(staff: CurrentStaff, label: str) -> dict:
    """Q1: the quarter's questions grouped by topic, most asked first, with the topics chosen for the next quarter."""
    if staff.role not in READERS:
        raise Forbidden()
    tz = staff.tz
    since, until = quarter_range(label, tz)
    rows = await (
        Consultation.select(Consultation.topic, Consultation.question, Consultation.answer)
        .where(
            (Consultation.office == staff.office_id)
            & (Consultation.recorded_at >= since)
            & (Consultation.recorded_at < until)
        )
        .order_by(Consultation.recorded_at)
    )
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["topic"], []).append(row)
    topics = [
        {"topic": code, "label": TOPICS.get(code, code), "count": len(items), "examples": items[-5:]}
        for code, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    following = next_quarter_label(label)
    decisions = await (
        NoticeTopics.select(
            NoticeTopics.quarter,
            NoticeTopics.topics,
            NoticeTopics.decided_at,
            NoticeTopics.decided_by.display_name.as_alias("decided_by_name"),
        )
        .where((NoticeTopics.office == staff.office_id) & (NoticeTopics.quarter == following))
        .order_by(NoticeTopics.decided_at, ascending=False)
    )
    return {"quarter": label, "next_quarter": following, "total": len(rows), "topics": topics, "decisions": decisions}


async def decide_topics(staff: CurrentStaff, quarter: str, topics: str, now: datetime) -> None:
    """Q1: the supervisor records next quarter's notice-board topics (a new decision keeps the old one)."""
    if staff.role not in TOPIC_DECIDERS:
        raise Forbidden()
    await NoticeTopics.insert(
        NoticeTopics(
            office=staff.office_id, quarter=quarter, topics=topics.strip(), decided_by=staff.id, decided_at=now
        )
    )

"""Demo data of notices and the owner survey: the National Day notice (seed 000) published, the notice
board changed ten days ago, and this year's survey with a few answers (online and paper)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.auth.tables import Staff
from app.notices.kinds import DEFAULTS
from app.notices.service import board_token
from app.notices.tables import Notice, NoticeBoard
from app.surveys.schemas import Ratings
from app.surveys.service import make_survey, record_answer
from app.surveys.tables import SurveyInvite

_ANSWERS = [
    ("online", Ratings(5, 4, 4, 3, 5, "保安很负责，绿化可以再加强。")),
    ("online", Ratings(4, 3, 5, 4, 4, "")),
    ("paper", Ratings(5, 5, 4, 4, 5, "维修师傅来得很及时。")),
]


async def seed_notices_demo(office_id: int, office_name: str) -> None:
    now = datetime.now(UTC)
    supervisor = await Staff.select(Staff.id).where((Staff.office == office_id) & (Staff.role == "supervisor")).first()
    if supervisor is None:
        return
    holiday = DEFAULTS["holiday"]
    year = now.year
    await Notice.insert(
        Notice(
            id=uuid.uuid4(),
            office=office_id,
            kind="holiday",
            title=holiday["title"],
            body=holiday["body"],
            checklist=holiday["checklist"],
            starts_on=f"{year}-10-01",
            ends_on=f"{year}-10-04",
            hours=holiday["hours"] + f"，{year}年10月5日起恢复正常上班时间",
            contact="0760-88886666（24小时值班电话）",
            signer=office_name,
            published_at=now - timedelta(days=1),
            published_by=supervisor["id"],
        )
    )
    await board_token(office_id)
    await NoticeBoard.update(
        {NoticeBoard.changed_at: now - timedelta(days=10), NoticeBoard.changed_by: supervisor["id"]}
    ).where(NoticeBoard.office == office_id)
    survey_id = await make_survey(office_id, supervisor["id"], year, f"{year}年度业主意见征询")
    invites = await SurveyInvite.select().where(SurveyInvite.survey == survey_id).order_by(SurveyInvite.id).limit(3)
    for invite, (channel, ratings) in zip(invites, _ANSWERS, strict=False):
        await record_answer(invite, ratings, channel, supervisor["id"] if channel == "paper" else None, now)

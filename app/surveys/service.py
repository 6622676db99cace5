"""The owner opinion survey (SPEC N2): the supervisor makes the year's survey from the default
questionnaire, one invitation per unit of the estate register with a one-time token (192 random bits)
printed as a QR code; each unit answers once — online through its token (no sign-in, nothing
personal shown) or on paper, entered by staff. Results: response rate, average per question and per
building, comments. K1: the survey's satisfaction (ratings of 4 or 5 over all ratings) beside the
follow-up calls' on /reports."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime
from typing import Any

from app.auth.schemas import CurrentStaff
from app.clock import now
from app.db import write_transaction
from app.errors import Forbidden, RuleViolation, check_found
from app.i18n import _, lazy
from app.org.service import can_see_office, get_office, units_of_office
from app.surveys.schemas import Ratings, SurveyClose, SurveyCreate, SurveyPaperAnswer
from app.surveys.tables import Survey, SurveyAnswer, SurveyInvite
from app.sync import registry
from app.sync.registry import ApplyContext

QUESTIONS: tuple[tuple[str, str], ...] = (
    ("service_centre", lazy("The service centre")),
    ("repairs", lazy("Repair service")),
    ("cleaning", lazy("Cleaning")),
    ("landscaping", lazy("Landscaping")),
    ("security", lazy("Security")),
)
CODES = tuple(code for code, _label in QUESTIONS)
SURVEY_READERS = frozenset({"supervisor", "manager", "qa", "frontdesk"})  # = app.nav "Survey"
SURVEY_MAKERS = frozenset({"supervisor"})
PAPER_ENTERERS = frozenset({"supervisor", "frontdesk"})
SATISFIED_FROM = 4  # a rating of 4 or 5 counts as satisfied in the K1 figure
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def check_reader(staff: CurrentStaff, office_id: int) -> None:
    if staff.role not in SURVEY_READERS or not can_see_office(staff, office_id):
        raise Forbidden()


async def _survey_of_office(survey_id: int, office_id: int) -> dict:
    row = await Survey.select().where((Survey.id == survey_id) & (Survey.office == office_id)).first()
    if row is None:
        raise RuleViolation("not_found", _("That survey is not in your office."), field="survey_id")
    return row


async def apply_create(ctx: ApplyContext, m: SurveyCreate) -> None:
    """`survey.create`: one survey per office and year; an invitation with its token for every unit."""
    if ctx.staff.role not in SURVEY_MAKERS:
        raise RuleViolation("forbidden", _("Only the supervisor makes the survey."))
    office = ctx.staff.office_id
    if await Survey.exists().where((Survey.office == office) & (Survey.year == m.data.year)):
        raise RuleViolation("year_taken", _("This year's survey already exists."), field="year")
    await make_survey(office, ctx.staff.id, m.data.year, m.data.title.strip())


async def make_survey(office: int, staff_id: int, year: int, title: str) -> int:
    """The survey and an invitation (its own token) for every unit of the office's estate register."""
    survey = Survey(office=office, year=year, title=title, created_by=staff_id)
    survey_id = (await Survey.insert(survey).returning(Survey.id))[0]["id"]
    invites = [
        SurveyInvite(
            survey=survey_id,
            office=office,
            unit=u["id"],
            building=(u["building"] or "")[:50],
            unit_number=u["number"],
            token=secrets.token_urlsafe(24),
        )
        for u in await units_of_office(office)
    ]
    for start in range(0, len(invites), 500):
        await SurveyInvite.insert(*invites[start : start + 500])
    return survey_id


async def record_answer(invite: dict, ratings: Any, channel: str, staff_id: int | None, at: datetime) -> bool:
    """Mark the invitation answered (only if it was not) and keep the answer; False: answered before."""
    claimed = (
        await SurveyInvite.update({SurveyInvite.answered_at: at})
        .where((SurveyInvite.id == invite["id"]) & SurveyInvite.answered_at.is_null())
        .returning(SurveyInvite.id)
    )
    if not claimed:
        return False
    await SurveyAnswer.insert(
        SurveyAnswer(
            id=uuid.uuid4(),
            survey=invite["survey"],
            invite=invite["id"],
            office=invite["office"],
            **{code: getattr(ratings, code) for code in CODES},
            comment=ratings.comment.strip(),
            channel=channel,
            entered_by=staff_id,
            answered_at=at,
        )
    )
    return True


async def apply_paper_answer(ctx: ApplyContext, m: SurveyPaperAnswer) -> None:
    """`survey.paper_answer`: the unit's one answer, from its paper form (refused if it answered already)."""
    if ctx.staff.role not in PAPER_ENTERERS:
        raise RuleViolation("forbidden", _("Your role does not enter survey answers."))
    survey = await _survey_of_office(m.data.survey_id, ctx.staff.office_id)
    if survey["closed_at"] is not None:
        raise RuleViolation("closed", _("This survey is closed."), field="survey_id")
    invite = (
        await SurveyInvite.select()
        .where((SurveyInvite.survey == survey["id"]) & (SurveyInvite.unit == m.data.unit_id))
        .first()
    )
    if invite is None:
        raise RuleViolation("unit_not_found", _("That unit is not in this survey."), field="unit_id")
    if not await record_answer(invite, m.data, "paper", ctx.staff.id, ctx.received_at):
        raise RuleViolation("already_answered", _("This unit has already answered the survey."), field="unit_id")


async def apply_close(ctx: ApplyContext, m: SurveyClose) -> None:
    if ctx.staff.role not in SURVEY_MAKERS:
        raise RuleViolation("forbidden", _("Only the supervisor makes the survey."))
    survey = await _survey_of_office(m.data.survey_id, ctx.staff.office_id)
    if survey["closed_at"] is None:
        await Survey.update({Survey.closed_at: ctx.received_at}).where(Survey.id == survey["id"])


MUTATIONS = (
    registry.MutationKind(SurveyCreate, apply_create, label=lazy("Survey made")),
    registry.MutationKind(SurveyPaperAnswer, apply_paper_answer, label=lazy("Paper survey answer entered")),
    registry.MutationKind(SurveyClose, apply_close, label=lazy("Survey closed")),
)


# --- the public answer page ------------------------------------------------------------------


async def invitation(token: str) -> tuple[str, dict | None]:
    """("ok" | "unknown" | "used" | "closed", what the public page may show: the estate's name and the
    survey's title — never the unit or its residents)."""
    if not _TOKEN.fullmatch(token):
        return "unknown", None
    invite = await SurveyInvite.select().where(SurveyInvite.token == token).first()
    if invite is None:
        return "unknown", None
    survey = check_found(await Survey.select().where(Survey.id == invite["survey"]).first())
    shown = {"estate": (await get_office(invite["office"]))["name"], "title": survey["title"], "invite": invite}
    if invite["answered_at"] is not None:
        return "used", shown
    if survey["closed_at"] is not None:
        return "closed", shown
    return "ok", shown


async def answer_online(token: str, ratings: Ratings) -> str:
    """The owner's answer through the token: "ok", or why not ("unknown", "used", "closed")."""
    async with write_transaction():
        state, shown = await invitation(token)
        if state != "ok" or shown is None:
            return state
        return "ok" if await record_answer(shown["invite"], ratings, "online", None, now()) else "used"


# --- reading ---------------------------------------------------------------------------------


async def surveys_of_office(staff: CurrentStaff, office_id: int) -> list[dict]:
    check_reader(staff, office_id)
    rows = await Survey.select().where(Survey.office == office_id).order_by(Survey.year, ascending=False)
    for row in rows:
        row["invited"] = await SurveyInvite.count().where(SurveyInvite.survey == row["id"])
        row["answered"] = await SurveyAnswer.count().where(SurveyAnswer.survey == row["id"])
    return rows


async def survey_of_office(staff: CurrentStaff, office_id: int, survey_id: int) -> dict:
    check_reader(staff, office_id)
    return check_found(await Survey.select().where((Survey.id == survey_id) & (Survey.office == office_id)).first())


async def invites(staff: CurrentStaff, office_id: int, survey_id: int, building: str = "") -> list[dict]:
    """The survey's invitations (for the printed letters and paper entry), by building and unit."""
    await survey_of_office(staff, office_id, survey_id)
    query = SurveyInvite.select().where(SurveyInvite.survey == survey_id)
    if building:
        query = query.where(SurveyInvite.building == building)
    return await query.order_by(SurveyInvite.building).order_by(SurveyInvite.unit_number)


def _average(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


async def results(staff: CurrentStaff, office_id: int, survey_id: int) -> dict:
    """Response rate (answered units over invited units), the average of each question overall and
    per building, and the comments."""
    survey = await survey_of_office(staff, office_id, survey_id)
    invited = await SurveyInvite.select(SurveyInvite.building).where(SurveyInvite.survey == survey_id)
    answers = await SurveyAnswer.select(
        *(getattr(SurveyAnswer, c) for c in CODES),
        SurveyAnswer.comment,
        SurveyAnswer.channel,
        SurveyAnswer.answered_at,
        SurveyAnswer.invite.building.as_alias("building"),
    ).where(SurveyAnswer.survey == survey_id)
    buildings: dict[str, dict[str, Any]] = {}
    for row in invited:
        buildings.setdefault(row["building"], {"invited": 0, "answers": []})["invited"] += 1
    for a in answers:
        buildings.setdefault(a["building"], {"invited": 0, "answers": []})["answers"].append(a)
    per_building = [
        {
            "building": name,
            "invited": b["invited"],
            "answered": len(b["answers"]),
            "averages": {c: _average([a[c] for a in b["answers"]]) for c in CODES},
        }
        for name, b in sorted(buildings.items())
    ]
    return {
        "survey": survey,
        "invited": len(invited),
        "answered": len(answers),
        "rate": round(100 * len(answers) / len(invited), 1) if invited else None,
        "averages": {c: _average([a[c] for a in answers]) for c in CODES},
        "buildings": per_building,
        "comments": [a["comment"] for a in sorted(answers, key=lambda a: a["answered_at"]) if a["comment"]],
        "paper": sum(1 for a in answers if a["channel"] == "paper"),
    }


async def satisfaction_figure(offices: list[int] | None, until: datetime) -> dict:
    """K1 from the owner survey: the latest survey made before `until` (per office), its ratings of
    SATISFIED_FROM or more over all its ratings. `offices` None: every office."""
    query = Survey.select(Survey.id, Survey.office, Survey.year).where(Survey.created_at < until)
    if offices is not None:
        query = query.where(Survey.office.is_in(offices or [0]))
    latest: dict[int, dict] = {}
    for s in await query.order_by(Survey.created_at):
        latest[s["office"]] = s
    ids = [s["id"] for s in latest.values()]
    rows = await SurveyAnswer.select(*(getattr(SurveyAnswer, c) for c in CODES)).where(
        SurveyAnswer.survey.is_in(ids or [0])
    )
    ratings = [r[c] for r in rows for c in CODES]
    satisfied = sum(1 for v in ratings if v >= SATISFIED_FROM)
    years = sorted({s["year"] for s in latest.values()})
    return {"part": satisfied, "whole": len(ratings), "years": years, "answers": len(rows)}

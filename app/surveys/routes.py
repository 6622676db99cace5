"""Survey pages (N2): the surveys with the form to make this year's, results, the printed letters with
their QR codes, paper entry, the report for the office manager; the public answer page."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, Parameter
from litestar.response import Response, Template

from app.auth.schemas import CurrentStaff
from app.clock import today
from app.forms import FormErrors, parse_form
from app.i18n import _, lazy
from app.public import public_message, public_page
from app.qr import qr_svg
from app.settings import get_settings
from app.surveys import service
from app.surveys.schemas import Ratings, SurveyClose, SurveyCreate, SurveyPaperAnswer
from app.sync.forms import FormOutcome, submit_form
from app.web import MAX_ID, page

READERS = {"roles": service.SURVEY_READERS}
MAKERS = {"roles": service.SURVEY_MAKERS}
ENTERERS = {"roles": service.PAPER_ENTERERS}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
SurveyId = Annotated[int, Parameter(ge=1, le=MAX_ID)]
Token = str  # checked by the service (an unknown or malformed token is one 404 page)


async def _index(request: Request, staff: CurrentStaff, office_id: int, **extra: Any) -> Template:
    surveys = await service.surveys_of_office(staff, office_id)
    year = today(staff.tz).year
    extra.setdefault("values", {"year": year, "title": _("%(year)s owner opinion survey", year=year)})
    can_make = staff.role in service.SURVEY_MAKERS and office_id == staff.office_id
    return page(request, "surveys/index.html", surveys=surveys, can_make=can_make, new_id=str(uuid.uuid4()), **extra)


@get("/surveys", opt=READERS)
async def survey_list(request: Request, staff: CurrentStaff, office_id: int) -> Template:
    """The office's surveys (answered / invited) and the form to make this year's."""
    return await _index(request, staff, office_id)


@post("/surveys", opt=MAKERS)
async def survey_create(request: Request, staff: CurrentStaff, data: Form) -> Response | Template:
    """Make the year's survey (`survey.create`): an invitation per unit of the estate register."""

    async def again(outcome: FormOutcome) -> Template:
        return await _index(request, staff, staff.office_id, errors=outcome.errors, values=outcome.values)

    return await submit_form(staff, SurveyCreate, data, done="/surveys", again=again)


@get("/surveys/{survey_id:int}", opt=READERS)
async def survey_results(request: Request, staff: CurrentStaff, office_id: int, survey_id: SurveyId) -> Template:
    """Results: response rate, averages per question and per building, comments."""
    found = await service.results(staff, office_id, survey_id)
    can_make = staff.role in service.SURVEY_MAKERS and office_id == staff.office_id
    return page(request, "surveys/results.html", r=found, questions=service.QUESTIONS, can_make=can_make)


@get("/surveys/{survey_id:int}/report", opt=READERS)
async def survey_report(request: Request, staff: CurrentStaff, office_id: int, survey_id: SurveyId) -> Template:
    """The print view of the results, for the office manager."""
    found = await service.results(staff, office_id, survey_id)
    return page(request, "surveys/report.html", r=found, questions=service.QUESTIONS)


@get("/surveys/{survey_id:int}/print", opt=READERS)
async def survey_print(
    request: Request, staff: CurrentStaff, office_id: int, survey_id: SurveyId, building: FromQuery[str] = ""
) -> Template:
    """One letter per unit (A4), each with the QR code of its own answer page (unanswered units only)."""
    survey = await service.survey_of_office(staff, office_id, survey_id)
    base = get_settings().public_url or str(request.base_url).rstrip("/")
    letters = [i for i in await service.invites(staff, office_id, survey_id, building[:50]) if i["answered_at"] is None]
    for letter in letters:
        letter["url"] = f"{base}/p/s/{letter['token']}"
        letter["qr"] = qr_svg(letter["url"], scale=4)
    return page(request, "surveys/print.html", survey=survey, letters=letters, questions=service.QUESTIONS)


async def _paper(request: Request, staff: CurrentStaff, survey_id: int, **extra: Any) -> Template:
    survey = await service.survey_of_office(staff, staff.office_id, survey_id)
    units = [
        (i["unit"], f"{i['building']} {i['unit_number']}")
        for i in await service.invites(staff, staff.office_id, survey_id)
        if i["answered_at"] is None
    ]
    ctx = {"survey": survey, "units": units, "questions": service.QUESTIONS, "new_id": str(uuid.uuid4()), **extra}
    return page(request, "surveys/paper.html", **ctx)


@get("/surveys/{survey_id:int}/paper", opt=ENTERERS)
async def paper_form(request: Request, staff: CurrentStaff, survey_id: SurveyId) -> Template:
    """Enter a paper form's answers (the units that have not answered)."""
    return await _paper(request, staff, survey_id)


@post("/surveys/{survey_id:int}/paper", opt=ENTERERS)
async def paper_answer(request: Request, staff: CurrentStaff, survey_id: SurveyId, data: Form) -> Response | Template:
    """`survey.paper_answer`: the unit's one answer (refused if it already answered, online or on paper)."""

    async def again(outcome: FormOutcome) -> Template:
        return await _paper(request, staff, survey_id, errors=outcome.errors, values=outcome.values)

    done = f"/surveys/{survey_id}/paper?saved=1"
    return await submit_form(staff, SurveyPaperAnswer, data, done=done, again=again, survey_id=survey_id)


@post("/surveys/{survey_id:int}/close", opt=MAKERS)
async def survey_close(request: Request, staff: CurrentStaff, survey_id: SurveyId, data: Form) -> Response | Template:
    """Close the survey: its links answer no more."""

    async def again(outcome: FormOutcome) -> Template:
        return await _index(request, staff, staff.office_id, errors=outcome.errors)

    return await submit_form(staff, SurveyClose, data, done=f"/surveys/{survey_id}", again=again, survey_id=survey_id)


# --- public -----------------------------------------------------------------------------------

REFUSALS = {
    "unknown": (
        404,
        lazy("This link is not valid"),
        lazy("Check the address on your survey letter, or ask the service centre."),
    ),
    "used": (409, lazy("Already answered"), lazy("This survey has already been answered for your home. Thank you!")),
    "closed": (410, lazy("The survey has ended"), lazy("This survey is closed. Thank you for your interest.")),
}


def _refused(request: Request, state: str) -> Template:
    status, title, message = REFUSALS[state]
    return public_message(request, status, str(title), str(message))


@get("/s/{token:str}")
async def public_survey(request: Request, token: Token) -> Template:
    """The owner's answer page: the estate's name and the questions — nothing about the home or its people."""
    state, shown = await service.invitation(token)
    if state != "ok" or shown is None:
        return _refused(request, state)
    return public_page(
        request, "public/survey.html", shown=shown, token=token, questions=service.QUESTIONS, no_store=True
    )


@post("/s/{token:str}")
async def public_answer(request: Request, token: Token, data: Form) -> Template:
    """The answer, once: the token is the protection (no session, no CSRF cookie on public pages)."""
    try:
        ratings = parse_form(Ratings, data)
    except FormErrors as exc:
        state, shown = await service.invitation(token)
        if state != "ok" or shown is None:
            return _refused(request, state)
        ctx = {"shown": shown, "token": token, "questions": service.QUESTIONS, "no_store": True}
        return public_page(request, "public/survey.html", status_code=422, errors=exc.errors, values=exc.values, **ctx)
    state = await service.answer_online(token, ratings)
    if state != "ok":
        return _refused(request, state)
    return public_message(
        request, 200, _("Thank you"), _("Your answers have been received. Thank you for your opinion.")
    )


ROUTES = [
    survey_list,
    survey_create,
    survey_results,
    survey_report,
    survey_print,
    paper_form,
    paper_answer,
    survey_close,
]
PUBLIC_ROUTES = [public_survey, public_answer]

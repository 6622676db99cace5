"""Survey mutations (`survey.create`, `survey.paper_answer`, `survey.close`), the public answer form (N2)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from app.sync.schemas import Mutation

Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
Rating = Annotated[int, msgspec.Meta(ge=1, le=5)]
Comment = Annotated[str, msgspec.Meta(max_length=1000)]


class SurveyCreateData(msgspec.Struct, forbid_unknown_fields=True):
    year: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class SurveyCreate(Mutation, tag="survey.create"):
    """Make the year's survey from the default questionnaire: one invitation (token) per unit."""

    data: SurveyCreateData


class Ratings(msgspec.Struct, forbid_unknown_fields=False):
    """The default questionnaire's answers: satisfaction 1–5 with each part of the service, and comments."""

    service_centre: Rating
    repairs: Rating
    cleaning: Rating
    landscaping: Rating
    security: Rating
    comment: Comment = ""


class SurveyPaperAnswerData(msgspec.Struct, forbid_unknown_fields=True):
    survey_id: Id
    unit_id: Id
    service_centre: Rating
    repairs: Rating
    cleaning: Rating
    landscaping: Rating
    security: Rating
    comment: Comment = ""


class SurveyPaperAnswer(Mutation, tag="survey.paper_answer"):
    """A paper form's answer entered by staff: the unit's one answer, like the online one."""

    data: SurveyPaperAnswerData


class SurveyCloseData(msgspec.Struct, forbid_unknown_fields=True):
    survey_id: Id


class SurveyClose(Mutation, tag="survey.close"):
    """Close the survey: its links answer no more."""

    data: SurveyCloseData

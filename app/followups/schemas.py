"""Sync mutations (offline on phones) and online forms of follow-ups, complaints and consultations."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

Flag = Annotated[int, msgspec.Meta(ge=0, le=1)]
Words = Annotated[str, msgspec.Meta(max_length=2000)]
LocalDateTime = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")]
Classification = Literal["service", "charges", "maintenance", "help", "consulting", "venting"]
Department = Literal["security", "engineering", "cleaning", "landscaping", "customer_service"]
Topic = Literal["fees", "repairs", "renovation", "parking", "moving", "security", "environment", "other"]


class _Data(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class FollowupRecordData(_Data):
    task_id: UUID
    method: Literal["phone", "visit"]
    reached: Flag
    satisfied: Flag | None = None  # required when reached
    words: Words = ""  # the resident's words
    # F5: satisfied (1) or not (0) with the front desk, cleaning, landscaping and security.
    about_frontdesk: Flag | None = None
    about_cleaning: Flag | None = None
    about_landscaping: Flag | None = None
    about_security: Flag | None = None


class FollowupRecordMutation(Mutation, tag="followup.record"):
    """Record a follow-up (F1–F6); not satisfied reopens rectification (F6). Append-only."""

    data: FollowupRecordData


class ComplaintClassifyData(_Data):
    request_id: UUID
    classification: Classification
    department: Department
    severity: Literal["minor", "major"] = "minor"


class ComplaintClassify(Mutation, tag="complaint.classify"):
    """Classify a complaint and name the responsible department (C1, C2); major → the supervisor (C3)."""

    data: ComplaintClassifyData


class ComplaintVisitData(_Data):
    request_id: UUID
    visited_at: LocalDateTime
    head_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    note: Words = ""


class ComplaintVisit(Mutation, tag="complaint.visit"):
    """The site visit with the responsible department's head (C2)."""

    data: ComplaintVisitData


class ComplaintAnswerData(_Data):
    request_id: UUID
    answer: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    close: Flag = 0  # minor complaints may be closed at once (C3)


class ComplaintAnswer(Mutation, tag="complaint.answer"):
    """The clear answer given to the resident (C3: within 3 days)."""

    data: ComplaintAnswerData


class ConsultationLogData(_Data):
    topic: Topic
    question: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    answer: Words = ""


class ConsultationLog(Mutation, tag="consultation.log"):
    """Q1: a question asked and the answer given; the mutation id is the record's id."""

    data: ConsultationLogData


class LeakTestForm(msgspec.Struct):
    tested_on: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class NoticeTopicsForm(msgspec.Struct):
    quarter: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-Q[1-4]$")]
    topics: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]

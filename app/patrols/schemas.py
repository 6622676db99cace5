"""Patrol mutations (offline writes) and the supervisor's setup forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

Department = Literal["security", "engineering", "cleaning", "landscaping", "customer_service"]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
Photos = Annotated[list[Sha256], msgspec.Meta(max_length=4)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
CheckpointCode = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
RouteKind = Literal["patrol", "entrusted", "spot_check", "renovation"]

MAX_PHOTOS = 4


# --- rounds -------------------------------------------------------------------------------------


class PatrolRoundStartData(msgspec.Struct, forbid_unknown_fields=True):
    route_id: int
    task_id: int | None = None  # the due round it does (P5: weekly, before/after heavy rain)
    subject_staff_id: int | None = None  # D9: the staff member on duty being spot-checked


class PatrolRoundStart(Mutation, tag="patrol_round.start"):
    """Start a round of a route; the round's id is this mutation's id (made on the phone)."""

    data: PatrolRoundStartData


class CheckpointVisitData(msgspec.Struct, forbid_unknown_fields=True):
    round_id: UUID
    code: CheckpointCode  # scanned from the QR code or typed from under it
    method: Literal["scan", "typed"]


class CheckpointVisit(Mutation, tag="checkpoint.visit"):
    """Confirm presence at a checkpoint of the round's route, in any order."""

    data: CheckpointVisitData


class FindingCreateData(msgspec.Struct, forbid_unknown_fields=True):
    round_id: UUID
    result: Literal["pass", "fail"]
    checkpoint_id: int | None = None
    check_item_id: int | None = None
    note: Note = ""
    photos: Photos = []
    location: Annotated[str, msgspec.Meta(max_length=200)] = ""


class FindingCreate(Mutation, tag="finding.create"):
    """A checked item: pass or fail, with a note and up to four photos; its id is this mutation's id."""

    data: FindingCreateData


class PatrolRoundFinishData(msgspec.Struct, forbid_unknown_fields=True):
    round_id: UUID
    note: Note = ""


class PatrolRoundFinish(Mutation, tag="patrol_round.finish"):
    """Finish a round; the checkpoints not visited are recorded as skipped."""

    data: PatrolRoundFinishData


# --- nonconformances (P3) -----------------------------------------------------------------------


class NonconformanceCreateData(msgspec.Struct, forbid_unknown_fields=True):
    finding_id: UUID
    department: Department
    deadline: date | None = None  # None: the department's default
    note: Note = ""


class NonconformanceCreate(Mutation, tag="nonconformance.create"):
    """Raise a failed check as a nonconformance for a department; its id is this mutation's id."""

    data: NonconformanceCreateData


class NonconformanceRectifyData(msgspec.Struct, forbid_unknown_fields=True):
    nonconformance_id: UUID
    expected_state: Literal["open"]
    note: Note
    cycle: int | None = None  # the reopen count the phone saw; with the state it names what was seen
    photos: Photos = []


class NonconformanceRectify(Mutation, tag="nonconformance.rectify"):
    """The department reports the item rectified (expects it `open`)."""

    data: NonconformanceRectifyData


class NonconformanceVerifyData(msgspec.Struct, forbid_unknown_fields=True):
    nonconformance_id: UUID
    expected_state: Literal["rectified"]
    outcome: Literal["passed", "failed"]
    note: Note = ""
    cycle: int | None = None
    photos: Photos = []
    new_deadline: date | None = None  # failed: when it must be rectified again (default per department)


class NonconformanceVerify(Mutation, tag="nonconformance.verify"):
    """Follow-up inspection (跟进检查): passed closes the item, failed reopens it with a new deadline."""

    data: NonconformanceVerifyData


# --- setup forms (supervisor) -------------------------------------------------------------------

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]


class RouteForm(msgspec.Struct):
    name: Name
    kind: RouteKind = "patrol"
    description: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    daily_rounds: Annotated[int, msgspec.Meta(ge=0, le=24)] = 1
    active: bool = False


class CheckpointForm(msgspec.Struct):
    name: Name
    location: Annotated[str, msgspec.Meta(max_length=120)] = ""
    building_id: int | None = None
    active: bool = False


class CheckItemForm(msgspec.Struct):
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    department: Department


class DeadlineForm(msgspec.Struct):
    days: Annotated[int, msgspec.Meta(ge=0, le=60)]

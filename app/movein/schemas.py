"""Move-in mutations (M1–M3): every write is one of these, online or from the phone's outbox."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
Sha = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
Photos = Annotated[list[Sha], msgspec.Meta(max_length=6)]
Reading = Annotated[float, msgspec.Meta(ge=0, le=99_999_999)]
Case = Literal["in_person", "proxy", "company"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Note = Annotated[str, msgspec.Meta(max_length=500)]


class OpenData(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: Id
    case_kind: Case
    owner_name: Name


class MoveInOpen(Mutation, tag="movein.open"):
    """M1: a move-in begins for a unit not handed over, by case (owner in person, by proxy, a company)."""

    data: OpenData


class DocumentData(msgspec.Struct, forbid_unknown_fields=True):
    move_in_id: Id
    kind: Label
    photo: Sha


class MoveInDocumentTick(Mutation, tag="movein.document"):
    """M1/E2: one document of the case received, its copy photographed into the resident file."""

    data: DocumentData


class InspectedItem(msgspec.Struct, forbid_unknown_fields=True):
    room: Annotated[str, msgspec.Meta(min_length=1, max_length=30)]
    item: Label
    result: Literal["pass", "defect"]
    note: Note = ""
    photos: Photos = []


class InspectionData(msgspec.Struct, forbid_unknown_fields=True):
    move_in_id: Id
    items: Annotated[list[InspectedItem], msgspec.Meta(min_length=1, max_length=200)]
    water: Reading
    electricity: Reading
    signed_by: Name
    signature: Sha
    gas: Reading | None = None


class MoveInInspect(Mutation, tag="movein.inspect"):
    """M2: the house inspected with the owner item by item, the meters read, the owner's signature."""

    data: InspectionData


class ReinspectData(msgspec.Struct, forbid_unknown_fields=True):
    defect_id: UUID
    signature: Sha
    note: Note = ""


class MoveInReinspect(Mutation, tag="movein.reinspect"):
    """M2: a defect re-inspected with the owner, who signs when satisfied."""

    data: ReinspectData


class SignedListData(msgspec.Struct, forbid_unknown_fields=True):
    move_in_id: Id
    names: Annotated[list[Label], msgspec.Meta(min_length=1, max_length=20)]
    signature: Sha
    key_ids: Annotated[list[Id], msgspec.Meta(max_length=20)] = []


class MoveInAgreements(Mutation, tag="movein.agreements"):
    """M3: the agreements the owner signed."""

    data: SignedListData


class MoveInIssue(Mutation, tag="movein.issue"):
    """M3: what was handed to the owner (keys from the key register, handbooks …), signed for."""

    data: SignedListData


class CompleteData(msgspec.Struct, forbid_unknown_fields=True):
    move_in_id: Id


class MoveInComplete(Mutation, tag="movein.complete"):
    """M3: the unit handed over: occupied, its file complete — only when nothing is missing."""

    data: CompleteData


class ChecklistForm(msgspec.Struct, forbid_unknown_fields=False):
    checklist: Annotated[str, msgspec.Meta(max_length=8000)]

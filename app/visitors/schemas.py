"""Visitor-log mutations (`visit.in`, `visit.out`, `visit.called`) and the page data (SPEC V1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

IdKind = Literal["id_card", "passport", "hk_macau_tw", "other"]
Department = Literal["security", "engineering", "cleaning", "landscaping", "customer_service"]


class VisitInData(msgspec.Struct, forbid_unknown_fields=True):
    visitor_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    id_kind: IdKind
    id_last4: Annotated[str, msgspec.Meta(min_length=4, max_length=4, pattern=r"^[0-9]{3}[0-9Xx]$")]
    purpose: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    host_kind: Literal["unit", "department"]
    unit_ref: Annotated[str, msgspec.Meta(max_length=20)] = ""  # "3-402", as typed (offline: no unit list)
    department: Department | None = None
    people: Annotated[int, msgspec.Meta(ge=1, le=50)] = 1
    notify: bool = False  # the host is to be told (the department by an alert, the resident by a call)
    place: Literal["desk", "gate"] = "desk"


class VisitIn(Mutation, tag="visit.in"):
    """A visitor comes in (V1); the visit's id is the mutation's id (so the phone can record the out)."""

    data: VisitInData


class VisitOutData(msgspec.Struct, forbid_unknown_fields=True):
    visit_id: UUID


class VisitOut(Mutation, tag="visit.out"):
    """The visitor leaves: only a visit that is in."""

    data: VisitOutData


class VisitCalledData(msgspec.Struct, forbid_unknown_fields=True):
    visit_id: UUID
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""  # what the resident said


class VisitCalled(Mutation, tag="visit.called"):
    """The desk called the resident about their visitor (V1)."""

    data: VisitCalledData


class VisitView(msgspec.Struct):
    id: UUID
    visitor_name: str
    people: int
    id_kind: str
    id_last4: str
    purpose: str
    host_kind: str
    unit_id: int | None
    unit_label: str
    department: str | None
    place: str
    notify: bool
    resident_called_at: datetime | None
    call_note: str
    in_at: datetime
    in_by: str
    out_at: datetime | None
    out_by: str

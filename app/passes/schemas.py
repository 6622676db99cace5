"""Pass mutations (`pass.issue`, `pass.withdraw`) and the page data (SPEC V2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
HolderKind = Literal["contractor", "temporary", "other"]
IdKind = Literal["id_card", "passport", "hk_macau_tw", "other"]
Trade = Literal[
    "electrician", "plumber", "gas_fitter", "decorator", "mason", "carpenter", "painter", "cleaner", "other"
]
IdLast4 = Annotated[str, msgspec.Meta(min_length=4, max_length=4, pattern=r"^[0-9]{3}[0-9Xx]$")]


class PassIssueData(msgspec.Struct, forbid_unknown_fields=True):
    holder_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    holder_kind: HolderKind
    id_kind: IdKind
    id_last4: IdLast4  # the last 4 characters of the ID, never the whole number
    valid_from: date
    valid_to: date
    company: Annotated[str, msgspec.Meta(max_length=100)] = ""
    trade: Trade | None = None
    certificate_no: Annotated[str, msgspec.Meta(max_length=50)] = ""  # electricians, plumbers, gas fitters
    unit_id: Id | None = None
    renovation_id: Id | None = None  # the renovation the worker works on (another domain's record)
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class PassIssue(Mutation, tag="pass.issue"):
    """Issue a pass to one person (V2); the pass's id is the mutation's id."""

    data: PassIssueData


class PassWithdrawData(msgspec.Struct, forbid_unknown_fields=True):
    pass_id: UUID
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class PassWithdraw(Mutation, tag="pass.withdraw"):
    """Withdraw a pass (work finished, pass lost, person dismissed): refused at the gate from then on."""

    data: PassWithdrawData


class PassView(msgspec.Struct):
    id: UUID
    number: str
    holder_name: str
    holder_kind: str
    company: str
    id_kind: str
    id_last4: str
    trade: str | None
    certificate_no: str
    valid_from: date
    valid_to: date
    unit_id: int | None
    renovation_id: int | None
    note: str
    withdrawn_at: datetime | None
    withdrawn_reason: str
    issued_by: str
    created_at: datetime
    state: str = "valid"  # valid | not_yet | expired | withdrawn (on the office's today)
    unit_label: str = ""

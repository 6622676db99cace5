"""Release-slip mutations (`slip.issue`, `slip.cancel`, `slip.release`) and the page data (SPEC R1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
IdKind = Literal["id_card", "passport", "hk_macau_tw", "other"]
IdLast4 = Annotated[str, msgspec.Meta(min_length=4, max_length=4, pattern=r"^[0-9]{3}[0-9Xx]$")]
Reason = Annotated[str, msgspec.Meta(max_length=200)]


class GoodsLine(msgspec.Struct, forbid_unknown_fields=True):
    item: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    quantity: Annotated[int, msgspec.Meta(ge=1, le=999)] = 1


class SlipIssueData(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: Id
    id_kind: IdKind
    id_last4: IdLast4  # the last 4 characters of the ID, never the whole number
    goods: Annotated[list[GoodsLine], msgspec.Meta(max_length=30)]  # at least one: checked with its message
    resident_id: Id | None = None  # the person is this resident of the unit on file …
    person_name: Annotated[str, msgspec.Meta(max_length=50)] = ""  # … or not: name, and the owner's call
    confirm_name: Annotated[str, msgspec.Meta(max_length=50)] = ""  # who confirmed by phone
    confirm_phone: Annotated[str, msgspec.Meta(max_length=20, pattern=r"^[0-9+\- ]*$")] = ""  # which number
    confirm_time: Annotated[str, msgspec.Meta(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9])?$")] = ""  # when (today)
    vehicle: Annotated[str, msgspec.Meta(max_length=20)] = ""
    note: Reason = ""
    override_reason: Reason = ""  # the supervisor lets a unit in arrears have its slip, and says why


class SlipIssue(Mutation, tag="slip.issue"):
    """Issue a release slip at the desk (R1); the slip's id is the mutation's id."""

    data: SlipIssueData


class SlipCancelData(msgspec.Struct, forbid_unknown_fields=True):
    slip_id: UUID
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class SlipCancel(Mutation, tag="slip.cancel"):
    """Cancel a slip not released yet (the resident changed their mind, a mistake on it)."""

    data: SlipCancelData


class SlipReleaseData(msgspec.Struct, forbid_unknown_fields=True):
    slip_id: UUID
    goods_checked: bool = False  # the guard checked the goods against the slip
    note: Reason = ""


class SlipRelease(Mutation, tag="slip.release"):
    """The gate lets the goods out (R1), offline on the guard's phone: time and guard recorded."""

    data: SlipReleaseData


class SlipView(msgspec.Struct):
    id: UUID
    number: str
    unit_id: int
    unit_label: str
    person_name: str
    is_resident: bool
    id_kind: str
    id_last4: str
    goods: list[GoodsLine]
    vehicle: str
    note: str
    fee_amount_fen: int
    fee_months_owed: int
    fee_as_of: date | None
    override_by: str
    override_reason: str
    confirm_name: str
    confirm_phone: str  # masked unless the reader needs it
    confirm_at: datetime | None
    valid_on: date
    valid_until: date
    issued_by: str
    issued_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str
    released_at: datetime | None
    released_by: str
    release_note: str
    second_release_at: datetime | None
    second_release_by: str
    state: str  # open | released | cancelled | expired

    @property
    def fee_amount(self) -> str:
        return f"{self.fee_amount_fen / 100:,.2f}"

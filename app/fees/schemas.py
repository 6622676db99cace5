"""Fee status and dunning: the `dunning.record` mutation and the page data (SPEC $1, $2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

Method = Literal["visit", "phone"]
ChangeKind = Literal["new", "changed", "unchanged", "older"]
Outcome = Literal["promised", "refused", "disputed", "not_reached", "paid", "other"]


class DunningRecordData(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
    method: Method
    outcome: Outcome
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""  # what was said; no promises made ($2)
    promised_date: date | None = None  # when the resident said they would pay
    next_follow_up: date | None = None


class DunningRecordMutation(Mutation, tag="dunning.record"):
    """A visit or call about a unit's arrears ($2): append-only, so it never conflicts."""

    data: DunningRecordData


class FeeStatusView(msgspec.Struct):
    """A unit's fee status as the finance department last exported it ($1): always with its as-of date."""

    unit_id: int
    months_owed: int
    amount_fen: int
    as_of: date
    in_arrears: bool
    reported_paid: bool = False  # a dunning record after the as-of date says "paid" (finance to confirm)

    @property
    def amount(self) -> str:
        return f"{self.amount_fen / 100:,.2f}"


class DunningView(msgspec.Struct):
    id: UUID
    method: str
    outcome: str
    note: str
    promised_date: date | None
    next_follow_up: date | None
    recorded_at: datetime
    staff_name: str


class DunningLine(msgspec.Struct):
    """One line of the dunning list: the unit, what it owes, the last contact and the next follow-up."""

    unit_id: int
    unit_label: str
    months_owed: int
    amount_fen: int
    as_of: date
    last_contact: datetime | None = None
    last_outcome: str = ""
    next_follow_up: date | None = None
    reported_paid: bool = False

    @property
    def amount(self) -> str:
        return f"{self.amount_fen / 100:,.2f}"


class RowProblem(msgspec.Struct):
    row: int
    column: str
    message: str


class PreviewLine(msgspec.Struct):
    row: int
    unit_id: int
    unit_label: str
    months_owed: int
    amount_fen: int
    as_of: date
    change: ChangeKind

    @property
    def amount(self) -> str:
        return f"{self.amount_fen / 100:,.2f}"


class Preview(msgspec.Struct):
    token: UUID
    filename: str
    lines: list[PreviewLine]
    problems: list[RowProblem]

    @property
    def changes(self) -> int:
        return sum(1 for line in self.lines if line.change in ("new", "changed"))

"""Key mutations (`key.lend`, `key.return`), the register form, and the page data (SPEC K2)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

KeyKind = Literal["owner", "public", "emergency"]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
ShortText = Annotated[str, msgspec.Meta(max_length=50)]
Note = Annotated[str, msgspec.Meta(max_length=200)]


class KeyLendData(msgspec.Struct, forbid_unknown_fields=True):
    key_id: Id
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]  # what for
    borrower_staff_id: Id | None = None  # a colleague …
    borrower_name: ShortText = ""  # … or an outside person, with the last digits of their phone
    borrower_phone_tail: Annotated[str, msgspec.Meta(max_length=4, pattern=r"^[0-9]{0,4}$")] = ""
    approved_by: ShortText = ""  # emergency keys: who approved (seed 004: the duty manager)


class KeyLend(Mutation, tag="key.lend"):
    """Lend a key that hangs in the duty room: the key must be in (K2)."""

    data: KeyLendData


class KeyReturnData(msgspec.Struct, forbid_unknown_fields=True):
    key_id: Id
    lending_id: UUID | None = None  # the lending it closes (the state it expects); None: the open one
    note: Note = ""


class KeyReturn(Mutation, tag="key.return"):
    """Record a key back on its hook: the key must be out, under that lending (K2)."""

    data: KeyReturnData


class KeyForm(msgspec.Struct, forbid_unknown_fields=False):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=30)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    kind: KeyKind
    hook: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    unit_id: Id | None = None
    area: ShortText = ""
    note: Note = ""
    active: bool = True


class KeySettingsForm(msgspec.Struct, forbid_unknown_fields=False):
    overdue_minutes: int  # 10 … 10080 (a week), checked by the service with its own message


class KeyView(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: str
    hook: str
    area: str
    note: str
    active: bool
    unit_id: int | None
    unit_label: str
    lending: KeyOut | None = None


class KeyOut(msgspec.Struct):
    """A key that is out: who has it, what for, since when, and whether it is overdue."""

    lending_id: UUID
    key_id: int
    code: str
    name: str
    kind: str
    hook: str
    borrower: str
    note: str
    out_at: datetime
    overdue: bool = False


class Lending(msgspec.Struct):
    id: UUID
    borrower: str
    note: str
    approved_by: str
    out_at: datetime
    out_by: str
    back_at: datetime | None
    back_by: str
    return_note: str
    clock_suspect: bool


class NoteView(msgspec.Struct):
    text: str
    author: str
    created_at: datetime

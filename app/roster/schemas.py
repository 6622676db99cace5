"""Roster forms (D1, D2, D4, D8). Validation lives here; the rules live in the services."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

ShiftCode = Annotated[str, msgspec.Meta(min_length=1, max_length=20, pattern=r"^[a-z][a-z0-9_]*$")]
ShiftName = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
ClockTime = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Note = Annotated[str, msgspec.Meta(max_length=500)]


class ShiftTemplate(msgspec.Struct, forbid_unknown_fields=True):
    """One shift of an office's day (D2); a shift that ends at or before it starts crosses midnight."""

    code: ShiftCode
    name: ShiftName
    start: ClockTime
    end: ClockTime


class HolidayForm(msgspec.Struct):
    day: date
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class LeaveRequestForm(msgspec.Struct):
    assignment_id: int
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class LeaveDecisionForm(msgspec.Struct):
    decision: Literal["approve", "refuse"]
    note: Note = ""


class SubstituteForm(msgspec.Struct):
    substitute_id: int


class EscalationContact(msgspec.Struct):
    """Who the duty officer calls (D6, D7), with a phone number kept on after hours."""

    group: str  # supervisor | manager | security_head | engineering_head
    group_label: str
    staff_id: int
    name: str
    phone: str
    on_shift: bool  # rostered on the current shift

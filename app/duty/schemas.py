"""Duty-log mutations and forms."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

Category = Literal["inquiry", "help", "emergency", "patrol", "other"]
Escalation = Literal["", "difficult", "major"]


class DutyLogAppendData(msgspec.Struct, forbid_unknown_fields=True):
    category: Category
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    unit_id: int | None = None
    corrects: UUID | None = None  # D5: a correction references the entry it corrects
    escalation: Escalation = ""  # D6: difficult → supervisor; major → manager at once


class DutyLogAppend(Mutation, tag="duty_log.append"):
    """Append one entry to the office's duty log (D5)."""

    data: DutyLogAppendData

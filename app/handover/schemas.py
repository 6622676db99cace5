"""Handover mutations (offline-capable: handover.submit, handover.accept, handover.refuse) and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.roster.schemas import EscalationContact
from app.sync.schemas import Mutation

Line = Annotated[str, msgspec.Meta(max_length=1000)]
Note = Annotated[str, msgspec.Meta(max_length=4000)]
RefusalReason = Literal["records_unclear", "desk_not_clean", "property_missing", "major_repair_unfinished"]


class InventoryCount(msgspec.Struct, forbid_unknown_fields=True):
    """One item of the post's inventory as counted (H4); damage or loss is explained in `note`.

    NOTE: `count` also accepts a string so that a count typed wrong is refused with a message naming
    the item, instead of a schema error a person cannot act on.
    """

    item: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    count: int | str
    damaged: bool = False
    note: Line = ""


class OpenItem(msgspec.Struct, forbid_unknown_fields=True):
    """Unfinished work carried over to the incoming (H2, H6)."""

    text: Line
    major_repair: bool = False


class Anomaly(msgspec.Struct, forbid_unknown_fields=True):
    """Something unusual at the post, with the outgoing's explanation (H3)."""

    text: Line
    explanation: Line = ""


class Signature(msgspec.Struct, forbid_unknown_fields=True):
    """A person's signature (H7): their staff id and their PIN or password, encrypted on the phone to
    the server's handover key and bound to this change (see docs/handover.md). Checked at sync."""

    staff_id: int
    proof: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class HandoverSubmitData(msgspec.Struct, forbid_unknown_fields=True):
    handover_id: UUID
    shift_date: date  # the outgoing shift: the date it started …
    shift_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]  # … and its code
    desk_tidied_at: datetime  # H1
    work_done: bool  # H6
    inventory: Annotated[list[InventoryCount], msgspec.Meta(max_length=60)]
    tidied_typed: bool = True  # H1: False when a tap on the phone recorded the moment itself
    open_items: Annotated[list[OpenItem], msgspec.Meta(max_length=50)] = []
    anomalies: Annotated[list[Anomaly], msgspec.Meta(max_length=50)] = []
    note: Note = ""


class HandoverSubmit(Mutation, tag="handover.submit"):
    """The outgoing prepares the handover of their shift (H1–H4, H6); the signed-in person is the outgoing."""

    data: HandoverSubmitData


class HandoverAcceptData(msgspec.Struct, forbid_unknown_fields=True):
    handover_id: UUID
    expected_state: Literal["submitted"]
    arrived_at: datetime  # H1
    log_read: bool  # H2
    inventory: Annotated[list[InventoryCount], msgspec.Meta(max_length=60)]  # H4: the recount
    incoming: Signature  # H7
    arrived_typed: bool = True  # H1: False when a tap on the phone recorded the moment itself
    # H7 on one phone: both sign here. Left out when each signs on their own phone: the handover
    # then waits for the outgoing's `handover.countersign`.
    outgoing: Signature | None = None
    anomalies: Annotated[list[Anomaly], msgspec.Meta(max_length=50)] = []  # H3
    note: Note = ""


class HandoverAccept(Mutation, tag="handover.accept"):
    """The incoming accepts; both sign (H7). The incoming is on duty from the moment both have signed."""

    data: HandoverAcceptData


class HandoverCountersignData(msgspec.Struct, forbid_unknown_fields=True):
    handover_id: UUID
    expected_state: Literal["signing"]
    outgoing: Signature  # H7


class HandoverCountersign(Mutation, tag="handover.countersign"):
    """The outgoing signs, on their own phone, a handover the incoming accepted and signed on theirs
    (H7): the incoming is on duty from this moment."""

    data: HandoverCountersignData


class HandoverRefuseData(msgspec.Struct, forbid_unknown_fields=True):
    handover_id: UUID
    expected_state: Literal["submitted"]
    arrived_at: datetime  # H1
    reasons: Annotated[list[RefusalReason], msgspec.Meta(max_length=4)]  # H5
    incoming: Signature
    arrived_typed: bool = True  # H1
    log_read: bool = False
    inventory: Annotated[list[InventoryCount], msgspec.Meta(max_length=60)] = []
    anomalies: Annotated[list[Anomaly], msgspec.Meta(max_length=50)] = []
    note: Note = ""


class HandoverRefuse(Mutation, tag="handover.refuse"):
    """The incoming refuses for one of the four refusals (H5); the outgoing stays on duty (D10)."""

    data: HandoverRefuseData


# --- answers --------------------------------------------------------------------------------------


class ShiftInfo(msgspec.Struct):
    date: date
    code: str
    name: str
    start: datetime
    end: datetime


class PersonOnDuty(msgspec.Struct):
    staff_id: int
    name: str
    phone: str


class RefusalInfo(msgspec.Struct):
    handover_id: UUID
    refused_at: datetime
    reasons: list[str]
    outgoing: str
    incoming: str


class OnDutyNow(msgspec.Struct):
    """Who is on duty now: the person who accepted the last handover (H7, D10), not simply the rostered one."""

    office_id: int
    at: datetime
    shift: ShiftInfo
    on_duty: PersonOnDuty | None
    source: Literal["handover", "waiting", "roster", "none"]  # waiting: the outgoing, not relieved yet (D10)
    since: datetime | None  # the moment of the accepted handover (or the shift's start, from the roster)
    rostered: list[PersonOnDuty]  # who the roster names for the current shift (after leave)
    differs_from_roster: bool
    awaiting_handover: bool  # the current shift has started, its handover is not accepted yet (D10)
    pending_handover: UUID | None  # a prepared handover waiting for the incoming
    pending_countersign: bool  # … accepted and signed by the incoming, waiting for the outgoing (H7)
    last_refusal: RefusalInfo | None  # a refusal since the last accepted handover (H5)
    contacts: list[EscalationContact]  # D6, D7

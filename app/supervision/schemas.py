"""The supervision domain's mutations (SPEC G1–G3, D3, D7, P4, W5, W8)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from app.sync.schemas import Mutation

ReportKind = Literal["weekly", "month_plan", "month_report", "incident"]
StormKind = Literal["typhoon", "rainstorm", "flood"]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
Period = Annotated[str, msgspec.Meta(min_length=7, max_length=60, pattern=r"^[0-9A-Za-z:-]+$")]
Body = Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


class ReportData(msgspec.Struct, forbid_unknown_fields=True):
    kind: ReportKind
    period: Period
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    body: Body


class ReportSave(Mutation, tag="supervision.report_save"):
    """Keep the edited draft of a report (G1, G2)."""

    data: ReportData


class ReportSubmit(Mutation, tag="supervision.report_submit"):
    """Submit a report: marked late when submitted after its deadline (G1, G2)."""

    data: ReportData


class StormOnData(msgspec.Struct, forbid_unknown_fields=True):
    kind: StormKind
    duty_manager_id: Id
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class StormOn(Mutation, tag="supervision.storm_on"):
    """Switch storm mode on: every staff member of the office is alerted to stand by (G3)."""

    data: StormOnData


class StormStepData(msgspec.Struct, forbid_unknown_fields=True):
    storm_id: UUID
    item: Annotated[str, msgspec.Meta(max_length=30)] = ""  # a checklist item's code (storm_check)
    done: bool = True


class StormArrived(Mutation, tag="supervision.storm_arrived"):
    """The duty manager is on site: a tap records now, against the 30-minute limit (G3)."""

    data: StormStepData


class StormCheck(Mutation, tag="supervision.storm_check"):
    data: StormStepData


class StormOffData(msgspec.Struct, forbid_unknown_fields=True):
    storm_id: UUID
    summary: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class StormOff(Mutation, tag="supervision.storm_off"):
    data: StormOffData


class CallData(msgspec.Struct, forbid_unknown_fields=True):
    callee_id: Id
    entry_id: UUID | None = None
    storm_id: UUID | None = None
    alert: bool = True  # D7: also alert them on their phone
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class CallMade(Mutation, tag="supervision.call"):
    """D3/D7: the duty officer calls a manager or department head in an emergency."""

    data: CallData


class CallStepData(msgspec.Struct, forbid_unknown_fields=True):
    call_id: UUID
    step: Literal["answered", "on_site"]


class CallStep(Mutation, tag="supervision.call_step"):
    """They answered, or they came on site (recorded when it happens)."""

    data: CallStepData


class ReviewData(msgspec.Struct, forbid_unknown_fields=True):
    day: date
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class ReviewDone(Mutation, tag="supervision.review_done"):
    """P4: the supervisor's daily review of patrols, complaints and repairs was done."""

    data: ReviewData


class NightRecordsData(msgspec.Struct, forbid_unknown_fields=True):
    entries: Annotated[int, msgspec.Meta(ge=0, le=500)] | None = None  # left empty on the phone: null
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class NightRecordsCollected(Mutation, tag="supervision.night_records"):
    """W8: the service centre collected the control room's night records."""

    data: NightRecordsData


class ExplainedData(msgspec.Struct, forbid_unknown_fields=True):
    order_id: UUID
    how: Literal["phone", "visit", "notice"]
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class RepairExplained(Mutation, tag="supervision.repair_explained"):
    """W5: a repair that cannot be done was explained to the resident."""

    data: ExplainedData

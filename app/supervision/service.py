"""The supervision domain's write types (SPEC G1–G3, D3, D7, P4, W5, W8). Parts: `deadlines`, `drafts`,
`_reports` (G1, G2), `_storm` (G3), `_calls` (D3, D7), `_daily` (P4, W5, W8), `reminders`, `home`."""

from __future__ import annotations

from app.i18n import lazy
from app.supervision import _calls, _daily, _reports, _storm
from app.supervision.schemas import (
    CallMade,
    CallStep,
    NightRecordsCollected,
    RepairExplained,
    ReportSave,
    ReportSubmit,
    ReviewDone,
    StormArrived,
    StormCheck,
    StormOff,
    StormOn,
)
from app.sync import registry

MUTATIONS = (
    registry.MutationKind(ReportSave, _reports.apply_save, label=lazy("Report saved")),
    registry.MutationKind(ReportSubmit, _reports.apply_submit, label=lazy("Report submitted")),
    registry.MutationKind(StormOn, _storm.apply_on, label=lazy("Storm mode switched on")),
    registry.MutationKind(StormArrived, _storm.apply_arrived, label=lazy("Duty manager on site")),
    registry.MutationKind(StormCheck, _storm.apply_check, label=lazy("Storm checklist")),
    registry.MutationKind(StormOff, _storm.apply_off, label=lazy("Storm mode switched off")),
    registry.MutationKind(CallMade, _calls.apply_call, label=lazy("Emergency call")),
    registry.MutationKind(CallStep, _calls.apply_call_step, label=lazy("Emergency call answered")),
    registry.MutationKind(ReviewDone, _daily.apply_review_done, label=lazy("Daily review done")),
    registry.MutationKind(NightRecordsCollected, _daily.apply_night_records, label=lazy("Night records collected")),
    registry.MutationKind(RepairExplained, _daily.apply_explained, label=lazy("Explained to the resident")),
)

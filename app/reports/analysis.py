"""F7: the monthly analysis report — the recurring problems (from the app's own records, with counts)
and the causes and actions written in the app (`monthly_analysis.save`, a sync mutation)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from app.clock import now
from app.errors import RuleViolation
from app.i18n import _, lazy
from app.reports.tables import MonthlyAnalysis
from app.sync import registry
from app.sync.registry import ApplyContext
from app.sync.schemas import Mutation

WRITERS = frozenset({"supervisor", "manager"})  # the service-centre head writes it; the manager may


class MonthlyAnalysisData(msgspec.Struct, forbid_unknown_fields=True):
    month: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    text: Annotated[str, msgspec.Meta(max_length=4000)]


class MonthlyAnalysisSave(Mutation, tag="monthly_analysis.save"):
    """Save the month's analysis of the recurring problems: causes and actions (F7)."""

    data: MonthlyAnalysisData


async def apply_save(ctx: ApplyContext, m: MonthlyAnalysisSave) -> None:
    if ctx.staff.role not in WRITERS:
        raise RuleViolation("forbidden", _("Only the supervisor or the manager writes the analysis."))
    text = m.data.text.strip()
    office, month = ctx.staff.office_id, m.data.month
    found = await MonthlyAnalysis.exists().where((MonthlyAnalysis.office == office) & (MonthlyAnalysis.month == month))
    values: dict[Any, Any] = {
        MonthlyAnalysis.text: text,
        MonthlyAnalysis.updated_by: ctx.staff.id,
        MonthlyAnalysis.updated_at: now(),
    }
    if found:
        await MonthlyAnalysis.update(values).where(
            (MonthlyAnalysis.office == office) & (MonthlyAnalysis.month == month)
        )
    else:
        await MonthlyAnalysis.insert(
            MonthlyAnalysis(office=office, month=month, text=text, updated_by=ctx.staff.id, updated_at=now())
        )


async def analysis_of(office_id: int | None, month: str) -> dict | None:
    """The saved analysis of an office's month (None: not written yet, or several offices shown)."""
    if office_id is None:
        return None
    return (
        await MonthlyAnalysis.select(
            MonthlyAnalysis.text,
            MonthlyAnalysis.updated_at,
            MonthlyAnalysis.updated_by.display_name.as_alias("author"),
        )
        .where((MonthlyAnalysis.office == office_id) & (MonthlyAnalysis.month == month))
        .first()
    )


MUTATIONS = (registry.MutationKind(MonthlyAnalysisSave, apply_save, label=lazy("Monthly analysis saved")),)

"""F5: the quarterly visits — owned by the service-centre head (`supervisor`), or by the manager
where the office assigns them so — ask about the repair and also the front desk, cleaning,
landscaping and security; those answers are stored with the record and counted monthly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.auth.schemas import CurrentStaff
from app.errors import Forbidden, RuleViolation
from app.followups._common import in_offices
from app.followups.schemas import FollowupRecordData
from app.followups.tables import FollowupRecord, FollowupSettings
from app.i18n import _, lazy

OWNERS: dict[str, str] = {"supervisor": lazy("The service-centre head"), "manager": lazy("The manager")}
ASPECTS: dict[str, str] = {
    "frontdesk": lazy("Front desk"),
    "cleaning": lazy("Cleaning"),
    "landscaping": lazy("Landscaping"),
    "security": lazy("Security"),
}
SETTERS = frozenset({"supervisor", "manager"})


async def owner_role(office_id: int) -> str:
    """Who owns the office's quarterly visits (F5): the supervisor unless the office chose the manager."""
    row = await FollowupSettings.select(FollowupSettings.f5_role).where(FollowupSettings.office == office_id).first()
    return row["f5_role"] if row and row["f5_role"] in OWNERS else "supervisor"


async def set_owner_role(staff: CurrentStaff, role: str) -> None:
    if staff.role not in SETTERS:
        raise Forbidden()
    if role not in OWNERS:
        raise RuleViolation("bad_owner", _("Choose a value from the list."), field="f5_role")
    if await FollowupSettings.exists().where(FollowupSettings.office == staff.office_id):
        await FollowupSettings.update({FollowupSettings.f5_role: role, FollowupSettings.updated_by: staff.id}).where(
            FollowupSettings.office == staff.office_id
        )
    else:
        await FollowupSettings.insert(FollowupSettings(office=staff.office_id, f5_role=role, updated_by=staff.id))


def aspects_of(rule: str, data: FollowupRecordData, reached: bool) -> dict[str, bool]:
    """F5, reached: an answer about each of the four services is required; other rules: none."""
    if rule != "F5" or not reached:
        return {}
    answers = {code: getattr(data, f"about_{code}") for code in ASPECTS}
    for code, value in answers.items():
        if value is None:
            message = _("Ask about %(what)s too: satisfied or not.", what=ASPECTS[code])
            raise RuleViolation("aspect_required", message, field=f"about_{code}")
    return {code: bool(value) for code, value in answers.items()}


async def aspect_counts(offices: list[int] | None, since: datetime, until: datetime) -> list[dict]:
    """F5's answers about the four services recorded in the period: satisfied and not, each."""
    rows = (
        await FollowupRecord.select(FollowupRecord.aspects)
        .where(
            in_offices(FollowupRecord.office, offices)
            & (FollowupRecord.recorded_at >= since)
            & (FollowupRecord.recorded_at < until)
        )
        .output(load_json=True)
    )
    counts: dict[str, dict[str, Any]] = {
        code: {"code": code, "label": label, "satisfied": 0, "unsatisfied": 0} for code, label in ASPECTS.items()
    }
    for r in rows:
        for code, value in (r["aspects"] or {}).items():
            if code in counts:
                counts[code]["satisfied" if value else "unsatisfied"] += 1
    return list(counts.values())

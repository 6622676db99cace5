"""The office's shift templates (SPEC D2) and the post's inventory list (H4), edited by the supervisor.

NOTE: both live on the org domain's Office row (per-office configuration); this is the one place that
writes them.
"""

from __future__ import annotations

from datetime import datetime

from app.auth.schemas import CurrentStaff
from app.errors import RuleViolation
from app.i18n import _
from app.org.service import DEFAULT_INVENTORY, office_inventory_items, save_office_duty_settings
from app.roster._shifts import month_key
from app.roster.roles import require_editor
from app.roster.schemas import ShiftTemplate
from app.roster.tables import RosterAssignment

MAX_SHIFTS = 6


async def office_inventory(office_id: int) -> list[str]:
    """The post's inventory list counted at every handover (H4), or the defaults."""
    return await office_inventory_items(office_id) or list(DEFAULT_INVENTORY)


async def save_settings(actor: CurrentStaff, shifts: list[ShiftTemplate], inventory: list[str]) -> None:
    """Save the office's shift templates (D2) and inventory list (H4); a shift used by a current or
    future roster cannot be removed."""
    require_editor(actor)
    if not shifts:
        raise RuleViolation("shifts_required", _("Keep at least one shift."), field="code_0")
    if len(shifts) > MAX_SHIFTS:
        raise RuleViolation("too_many_shifts", _("At most %(n)s shifts.", n=MAX_SHIFTS), field="code_0")
    seen: set[str] = set()
    for i, shift in enumerate(shifts):
        if shift.code in seen:
            raise RuleViolation("duplicate_code", _("Each shift needs its own code."), field=f"code_{i}")
        seen.add(shift.code)
        if shift.start == shift.end:
            message = _("Start and end must differ. For a 24-hour centre, use two or three shifts.")
            raise RuleViolation("empty_shift", message, field=f"end_{i}")
    items = [item.strip() for item in inventory if item.strip()]
    if not items:
        raise RuleViolation("inventory_required", _("List at least one item of the post."), field="inventory")
    if len(items) > 40 or any(len(item) > 40 for item in items):
        raise RuleViolation("inventory_too_long", _("At most 40 items of 40 characters each."), field="inventory")
    if len(set(items)) != len(items):
        raise RuleViolation("inventory_duplicate", _("Each item may be listed once."), field="inventory")
    today = datetime.now(actor.tz).date()
    used = await RosterAssignment.select(RosterAssignment.shift_code, RosterAssignment.month).where(
        (RosterAssignment.office == actor.office_id) & (RosterAssignment.month >= today.replace(day=1))
    )
    for row in used:
        if row["shift_code"] not in seen:
            message = _(
                "The shift %(code)s is used in the roster of %(month)s; keep it.",
                code=row["shift_code"],
                month=month_key(row["month"]),
            )
            raise RuleViolation("shift_in_use", message, field="code_0")
    await save_office_duty_settings(actor.office_id, [_template_dict(s) for s in shifts], items)


def _template_dict(shift: ShiftTemplate) -> dict:
    return {"code": shift.code, "name": shift.name, "start": shift.start, "end": shift.end}

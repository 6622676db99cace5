"""The gate section of the guard's home page (R1): today's release slips still to be released."""

from __future__ import annotations

from datetime import date

from app.auth.schemas import CurrentStaff
from app.i18n import _
from app.slips._reads import open_slips


async def home_sections(staff: CurrentStaff, day: date) -> list[dict]:
    """One section for the gate guard, only when slips are open: number, unit, the goods."""
    if staff.role != "patrol":
        return []
    slips = await open_slips(staff.office_id, day)
    if not slips:
        return []
    items = [
        {
            "text": f"{s.number} {s.unit_label} · " + "、".join(f"{g.item}×{g.quantity}" for g in s.goods),
            "meta": _("until %(day)s", day=s.valid_until.strftime("%m-%d")),
            "flag": "",
        }
        for s in slips
    ]
    return [{"title": _("Release slips to check at the gate"), "href": "/gate", "items": items, "empty": ""}]

"""The desk's prompt on the home page (V1): visitors in for a unit whose resident is still to be called."""

from __future__ import annotations

from app.auth.schemas import CurrentStaff
from app.clock import local
from app.i18n import _
from app.visitors.service import CALLERS, calls_due


async def home_sections(staff: CurrentStaff) -> list[dict]:
    if staff.role not in CALLERS:
        return []
    due = await calls_due(staff.office_id)
    if not due:
        return []
    items = [
        {
            "text": f"{v.visitor_name} → {v.unit_label} · {v.purpose}",
            "meta": local(v.in_at, staff.tz).strftime("%H:%M"),  # type: ignore[union-attr]
            "flag": "major",
        }
        for v in due
    ]
    return [{"title": _("Visitors: call the resident"), "href": "/visitors", "items": items, "empty": ""}]

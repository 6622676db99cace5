"""The move-in section of the home page (M2): the supervisor and the front desk see the defects still
waiting for the developer's repair, oldest first, with their age; and the renovations under a permit."""

from __future__ import annotations

from datetime import date

from app.auth.schemas import CurrentStaff
from app.i18n import _
from app.movein import reads

HOME_ROLES = frozenset({"supervisor", "frontdesk"})


async def home_sections(staff: CurrentStaff, day: date) -> list[dict]:
    """One section, only when defects are open: each with its home, where and how many days open."""
    if staff.role not in HOME_ROLES:
        return []
    defects = await reads.open_defects(staff, staff.office_id, day)
    if not defects:
        return []
    items = [
        {
            "text": f"{d['unit_label']} · {d['room']} · {d['item']}",
            "meta": _("%(n)s days open", n=d["age_days"]),
            "flag": "",
        }
        for d in defects[:10]
    ]
    return [{"title": _("Open defects for the developer"), "href": "/movein/defects", "items": items, "empty": ""}]

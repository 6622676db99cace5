"""The keys section of the duty officer's home page (K2): keys out, overdue ones flagged."""

from __future__ import annotations

from datetime import datetime

from app.auth.schemas import CurrentStaff
from app.clock import local
from app.i18n import _
from app.keys.service import KEY_LENDERS, keys_out


async def home_sections(staff: CurrentStaff, at: datetime) -> list[dict]:
    """One section, only when keys are out: overdue first, each with who has it and since when."""
    if staff.role not in KEY_LENDERS:
        return []
    out = sorted(await keys_out(staff.office_id, at), key=lambda k: not k.overdue)
    if not out:
        return []
    items = [
        {
            "text": f"{k.code} {k.name} · {k.borrower}" + (f" · {_('Overdue')}" if k.overdue else ""),
            "meta": local(k.out_at, staff.tz).strftime("%m-%d %H:%M"),  # type: ignore[union-attr]
            "flag": "major" if k.overdue else "",
        }
        for k in out
    ]
    return [{"title": _("Keys out"), "href": "/keys", "items": items, "empty": ""}]

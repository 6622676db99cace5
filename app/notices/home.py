"""The notice board section of the supervisor's home page (N1): when the board (宣传栏) is next due."""

from __future__ import annotations

from datetime import datetime

from app.auth.schemas import CurrentStaff
from app.i18n import _
from app.notices.service import NOTICE_WRITERS, board_status


async def home_sections(staff: CurrentStaff, at: datetime) -> list[dict]:
    """One section for the supervisor: the next change of the notice board, flagged when it is due."""
    if staff.role not in NOTICE_WRITERS:
        return []
    status = await board_status(staff.office_id, at, staff.tz)
    if status.due_on is None:
        text = _("No change of the notice board recorded yet.")
    elif status.due:
        text = _("The notice board is due for a change (since %(day)s).", day=status.due_on.isoformat())
    else:
        text = _("Next change of the notice board by %(day)s.", day=status.due_on.isoformat())
    items = [{"text": text, "meta": "", "flag": "major" if status.due else ""}]
    return [{"title": _("Notice board"), "href": "/notices#ntc-board", "items": items, "empty": ""}]

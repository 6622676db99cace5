"""The home page's alert section: open alerts waiting for this person's acknowledgement, on top."""

from __future__ import annotations

from app.alerts._lists import open_for
from app.auth.schemas import CurrentStaff
from app.i18n import _


async def home_sections(staff: CurrentStaff) -> list[dict]:
    """Shown only when something waits: an empty alert section would teach people to skip it."""
    rows = await open_for(staff, limit=5)
    if not rows:
        return []
    return [
        {
            "title": _("Alerts waiting for your acknowledgement"),
            "href": "/alerts",
            "items": [
                {
                    "text": f"{r['kind_label']}: {r['title']}",
                    "meta": r["raised_local"].strftime("%H:%M"),
                    "flag": "major",
                }
                for r in rows
            ],
            "empty": "",
        }
    ]

"""The duty log's alert (D6, D7), kept here for `app/duty/service.py`, which calls it. It is a thin
use of the public `raise_alert_at_flush` (see docs/alerts.md); the duty domain may raise it itself."""

from __future__ import annotations

from app.alerts.service import raise_alert_at_flush
from app.i18n import _
from app.sync.registry import ApplyContext


def duty_major(ctx: ApplyContext, entry: dict, category_label: str) -> None:
    """D6, D7: a duty-log entry escalated as major is reported to the office's manager at once,
    who must acknowledge (ladder: the office's settings for "duty_major")."""
    text = " ".join(entry["text"].split())
    raise_alert_at_flush(
        ctx,
        office_id=entry["office"],
        kind="duty_major",
        title=text[:60] + ("…" if len(text) > 60 else ""),
        body=_(
            "%(category)s, reported by %(name)s: %(text)s",
            category=category_label,
            name=ctx.staff.display_name,
            text=text[:500],
        ),
        url=f"/duty-log?day={entry['shift_date'].isoformat()}#entry-{entry['id']}",
        raised_by=entry["author"],
        source=f"duty_log:{entry['id']}",
        now=ctx.received_at,
    )

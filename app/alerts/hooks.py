"""Where other domains' rules raise alerts. Each hook queues its alert in the sync batch's
transaction (a flush at the end of the batch), so a batch that rolls back sends nothing."""

from __future__ import annotations

from app.alerts.service import raise_alert
from app.i18n import _
from app.sync.registry import ApplyContext

_DUTY_MAJOR = "alerts.duty_major"


def duty_major(ctx: ApplyContext, entry: dict, category_label: str) -> None:
    """D6, D7: a duty-log entry escalated as major is reported to the office's manager at once,
    who must acknowledge (ladder: the office's settings for "duty_major")."""
    pending: list[tuple[dict, str]] = ctx.cache.setdefault(_DUTY_MAJOR, [])
    pending.append((entry, category_label))
    if _DUTY_MAJOR in ctx.flushes:
        return

    async def flush() -> None:
        for row, category in pending:
            text = " ".join(row["text"].split())
            await raise_alert(
                office_id=row["office"],
                kind="duty_major",
                title=text[:60] + ("…" if len(text) > 60 else ""),
                body=_(
                    "%(category)s, reported by %(name)s: %(text)s",
                    category=category,
                    name=ctx.staff.display_name,
                    text=text[:500],
                ),
                url=f"/duty-log?day={row['shift_date'].isoformat()}#entry-{row['id']}",
                raised_by=row["author"],
                source=f"duty_log:{row['id']}",
                now=ctx.received_at,
            )

    ctx.flushes[_DUTY_MAJOR] = flush

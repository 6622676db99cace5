"""The checks every handover mutation shares (SPEC H1–H4): times, the inventory count, anomalies, open items."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.clock import MAX_CLOCK_SKEW, when_it_happened  # noqa: F401 - MAX_CLOCK_SKEW re-exported
from app.errors import RuleViolation
from app.handover.schemas import Anomaly, InventoryCount, OpenItem
from app.i18n import _
from app.sync.registry import ApplyContext

ARRIVE_EARLY = timedelta(minutes=5)  # H1: the incoming arrives 5 minutes early
TIDY_EARLY = timedelta(minutes=15)  # H1: the outgoing tidies the desk 15 minutes before
MAX_COUNT = 100_000


def arrived_late(shift_start: datetime, arrived: datetime | None) -> bool:
    """H1: the incoming arrived less than 5 minutes before the shift (exactly 5 minutes is in time)."""
    return arrived is not None and shift_start - arrived < ARRIVE_EARLY


def tidied_late(shift_end: datetime, tidied: datetime | None) -> bool:
    """H1: the outgoing tidied the desk less than 15 minutes before the end (exactly 15 is in time)."""
    return tidied is not None and shift_end - tidied < TIDY_EARLY


def aware(value: datetime, tz: ZoneInfo) -> datetime:
    """A time from a form without a zone is the office's local time."""
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=tz).astimezone(UTC)


def moment_of(ctx: ApplyContext, recorded_at: datetime) -> tuple[datetime, bool]:
    """When it happened: the phone's clock, unless that clock is far off (then the server's arrival)."""
    recorded, suspect = when_it_happened(recorded_at, ctx.received_at, ctx.clock_skew_seconds)
    # Nothing happened after the server received it: a clock a little ahead is capped, not trusted.
    return min(recorded.astimezone(UTC), ctx.received_at), suspect


def text_of(value: str) -> str:
    return value.strip()


def check_inventory(
    rows: list[InventoryCount],
    items: list[str],
    reference: dict[str, int],
    prefix: str,
    *,
    complete: bool = True,
    explain: bool = True,
) -> list[dict]:
    """H4: each item of the office's list counted once, as a whole number 0 or more; damage, or fewer
    than the reference count (the last one), explained. Field names are the form's inputs."""
    index = {item: i for i, item in enumerate(items)}
    counted: dict[str, dict] = {}
    for row in rows:
        i = index.get(row.item)
        if i is None:
            message = _("%(item)s is not on this post's inventory list.", item=row.item)
            raise RuleViolation("inventory_unknown_item", message, field=f"{prefix}_count_0")
        field = f"{prefix}_count_{i}"
        if row.item in counted:
            raise RuleViolation("inventory_twice", _("%(item)s is counted twice.", item=row.item), field=field)
        count = row.count
        if isinstance(count, str):
            if not re.fullmatch(r"\s*-?\d{1,9}\s*", count):
                message = _("The count of %(item)s is not a number: “%(value)s”.", item=row.item, value=count[:20])
                raise RuleViolation("inventory_not_a_number", message, field=field)
            count = int(count)
        if count < 0:
            message = _("The count of %(item)s cannot be negative (%(value)s).", item=row.item, value=count)
            raise RuleViolation("inventory_negative", message, field=field)
        if count > MAX_COUNT:
            raise RuleViolation(
                "inventory_too_large", _("The count of %(item)s is too large.", item=row.item), field=field
            )
        note = text_of(row.note)
        before = reference.get(row.item)
        if explain and not note:
            if row.damaged:
                message = _("%(item)s is marked damaged: explain the damage.", item=row.item)
                raise RuleViolation("inventory_unexplained", message, field=f"{prefix}_note_{i}")
            if before is not None and count < before:
                message = _(
                    "%(item)s: %(count)s counted, %(before)s before. Explain the loss.",
                    item=row.item,
                    count=count,
                    before=before,
                )
                raise RuleViolation("inventory_unexplained", message, field=f"{prefix}_note_{i}")
        counted[row.item] = {"item": row.item, "count": count, "damaged": row.damaged, "note": note, "before": before}
    missing = [item for item in items if item not in counted]
    if complete and missing:
        message = _("Count every item of the post; not counted: %(items)s.", items="、".join(missing))
        raise RuleViolation("inventory_incomplete", message, field=f"{prefix}_count_{index[missing[0]]}")
    return [counted[item] for item in items if item in counted]


def check_anomalies(rows: list[Anomaly], prefix: str) -> list[dict]:
    """H3: each anomaly is described and explained by the outgoing."""
    result = []
    for i, row in enumerate(rows):
        text, explanation = text_of(row.text), text_of(row.explanation)
        if not text and not explanation:
            continue
        if not text:
            raise RuleViolation("anomaly_text", _("Describe the anomaly."), field=f"{prefix}_text_{i}")
        if not explanation:
            message = _("The outgoing explains each anomaly.")
            raise RuleViolation("anomaly_unexplained", message, field=f"{prefix}_expl_{i}")
        result.append({"text": text, "explanation": explanation})
    return result


def check_open_items(rows: list[OpenItem]) -> list[dict]:
    return [{"text": text_of(r.text), "major_repair": r.major_repair} for r in rows if text_of(r.text)]
